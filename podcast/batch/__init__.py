"""Many episodes at once: the batch's run and scheduler, the pool of local worker processes,
the Dask cluster and what its workers run, and the batch's report. Each episode is made by the
one runner of :mod:`podcast.make`."""
