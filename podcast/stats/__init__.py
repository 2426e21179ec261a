"""Listeners: downloads counted from the server's access logs as the IAB Podcast Measurement
Technical Guidelines (v2.2) count them, the players' anonymous beacons, and the report."""
