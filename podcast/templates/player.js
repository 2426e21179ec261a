// The players of the episode page, the index and the embed: what keeps a listener.
// Every page plays without it (the <audio> element works on its own); with it, each
// [data-player] element gets:
// - resume where this listener stopped (localStorage, this browser only);
// - skip back 15 s and forward 30 s ([data-skip] buttons, hidden until this runs);
// - lock-screen controls with the artwork (the Media Session API);
// - the sentence being read highlighted, and the transcript following it unless the
//   listener scrolled it away (following again after a seek or a click on a sentence);
// - on the index, "play all" ([data-play-all]) going on to the next story; one plays at a time;
// - anonymous progress beacons to data-beacon (a play, then each tenth), when the page has one;
// - in an embed, its height told to the page around it (postMessage, for the CMS's snippet).
(function () {
  "use strict";
  var PREFIX = "audio-edition:position:";
  var players = [];
  var playingAll = false;

  function remember(guid, seconds) {
    try {
      if (seconds === null) localStorage.removeItem(PREFIX + guid);
      else localStorage.setItem(PREFIX + guid, String(Math.floor(seconds)));
    } catch (e) { /* private mode, storage full: no resume, nothing else lost */ }
  }
  function recall(guid) {
    try { return parseFloat(localStorage.getItem(PREFIX + guid) || ""); } catch (e) { return NaN; }
  }
  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    var m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function start(audio) {
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  function Player(root, index) {
    var audio = root.querySelector("audio");
    if (!audio) return null;
    var guid = root.getAttribute("data-guid") || audio.currentSrc || audio.src;
    var beacon = root.getAttribute("data-beacon");
    var transcript = root.querySelector("[data-transcript]");
    var spans = transcript ? Array.prototype.slice.call(transcript.querySelectorAll("[data-start]")) : [];
    var starts = spans.map(function (s) { return parseFloat(s.getAttribute("data-start")); });
    var resumeNote = root.querySelector("[data-resume]");
    var current = null, follow = true, lastSaved = -1, sent = {}, ours = false;

    function duration() {
      return isFinite(audio.duration) && audio.duration > 0 ? audio.duration
        : parseFloat(root.getAttribute("data-duration") || "0");
    }

    // Resume: set before the audio loads (the browser starts there), and again once it has.
    var saved = recall(guid);
    var resumeAt = saved > 5 && (!duration() || saved < duration() - 5) ? saved : 0;
    if (resumeAt) {
      try { audio.currentTime = resumeAt; } catch (e) { /* set once loaded */ }
      if (resumeNote) { resumeNote.textContent = "Resumes at " + clock(resumeAt) + "."; resumeNote.hidden = false; }
    }
    audio.addEventListener("loadedmetadata", function () {
      if (resumeAt && audio.currentTime < 1) audio.currentTime = resumeAt;
      resumeAt = 0;
    });
    function save(force) {
      var t = audio.currentTime;
      if (audio.ended) { remember(guid, null); return; }
      if (force || Math.abs(t - lastSaved) >= 2) { lastSaved = t; remember(guid, t > 5 ? t : null); }
    }

    // The sentence being read, and the transcript following it.
    function find(time) {
      var lo = 0, hi = starts.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (starts[mid] <= time) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      if (found < 0) return null;
      var span = spans[found];
      return time < parseFloat(span.getAttribute("data-end")) + 0.5 ? span : null;
    }
    function scroller() {
      var style = transcript ? window.getComputedStyle(transcript) : null;
      return style && (style.overflowY === "auto" || style.overflowY === "scroll") ? transcript : null;
    }
    function visible(span) {
      var box = span.getBoundingClientRect(), area = scroller();
      var top = area ? area.getBoundingClientRect().top : 0;
      var bottom = area ? area.getBoundingClientRect().bottom : window.innerHeight;
      return box.height > 0 && box.bottom > top && box.top < bottom;
    }
    function reveal(span) {
      var area = scroller();
      ours = true;
      if (area) {
        area.scrollTop += span.getBoundingClientRect().top - area.getBoundingClientRect().top - area.clientHeight / 3;
      } else {
        window.scrollBy(0, span.getBoundingClientRect().top - window.innerHeight / 3);
      }
      setTimeout(function () { ours = false; }, 100);
    }
    function update(seeking) {
      var span = find(audio.currentTime);
      if (span === current) { if (seeking && span && follow) reveal(span); return; }
      var wasVisible = current ? visible(current) : false;
      if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
      current = span;
      if (!current) return;
      current.classList.add("current");
      current.setAttribute("aria-current", "true");
      // In its own box the transcript always follows; on a page, when it was being watched.
      if (follow && (seeking || scroller() || wasVisible)) reveal(current);
    }
    function stopFollowing() { if (!ours) follow = false; }
    if (transcript) {
      var area = scroller() ? transcript : window;
      ["wheel", "touchmove"].forEach(function (name) { area.addEventListener(name, stopFollowing, { passive: true }); });
      (scroller() ? transcript : document).addEventListener("keydown", function (event) {
        if (/^(Page|Arrow)(Up|Down)$|^(Home|End)$/.test(event.key)) stopFollowing();
      });
    }
    function seekTo(seconds) {
      follow = true;
      audio.currentTime = Math.max(0, Math.min(seconds, duration() || seconds));
      update(true);
    }
    root.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-start]") : null;
      if (target && root.contains(target)) {
        event.preventDefault();
        seekTo(parseFloat(target.getAttribute("data-start")));
        start(audio);
      }
    });
    // On a page each sentence is a stop of the keyboard's; in an embed's small box, where a
    // hundred stops would stand between the listener and the rest, the box is one.
    if (!scroller()) spans.forEach(function (span) {
      span.tabIndex = 0;
      span.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); span.click(); }
      });
    });

    // Skip buttons.
    Array.prototype.forEach.call(root.querySelectorAll("[data-skip]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        seekTo(audio.currentTime + parseFloat(button.getAttribute("data-skip")));
      });
    });

    // Lock-screen controls.
    function session() {
      if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
      var art = root.getAttribute("data-artwork");
      navigator.mediaSession.metadata = new MediaMetadata({
        title: root.getAttribute("data-title") || document.title,
        artist: root.getAttribute("data-show") || "",
        artwork: art ? [{ src: art, sizes: root.getAttribute("data-artwork-size") || "1400x1400" }] : []
      });
      var actions = {
        play: function () { start(audio); },
        pause: function () { audio.pause(); },
        seekbackward: function (d) { seekTo(audio.currentTime - ((d && d.seekOffset) || 15)); },
        seekforward: function (d) { seekTo(audio.currentTime + ((d && d.seekOffset) || 30)); },
        seekto: function (d) { if (d && isFinite(d.seekTime)) seekTo(d.seekTime); },
        previoustrack: players.length > 1 ? function () { go(index - 1); } : null,
        nexttrack: players.length > 1 ? function () { go(index + 1); } : null
      };
      Object.keys(actions).forEach(function (name) {
        try { navigator.mediaSession.setActionHandler(name, actions[name]); } catch (e) { /* not offered */ }
      });
    }

    // Beacons: a play, then each tenth reached; nothing but the episode and how far.
    function tell(reached) {
      if (!beacon || sent[reached]) return;
      sent[reached] = true;
      var body = JSON.stringify({ guid: root.getAttribute("data-guid"), reached: reached });
      if (navigator.sendBeacon) navigator.sendBeacon(beacon, body);
      else if (window.fetch) fetch(beacon, { method: "POST", body: body, keepalive: true }).catch(function () {});
    }

    audio.addEventListener("play", function () {
      players.forEach(function (other) { if (other.audio !== audio) other.audio.pause(); });
      follow = true;
      session();
      tell(0);
    });
    audio.addEventListener("timeupdate", function () {
      update(false);
      save(false);
      var total = duration();
      if (total > 0) {
        var tenth = Math.floor((audio.currentTime / total) * 10 + 1e-6) * 10;
        for (var mark = 10; mark <= Math.min(tenth, 100); mark += 10) tell(mark);
      }
    });
    audio.addEventListener("seeked", function () { update(true); save(true); });
    audio.addEventListener("pause", function () { save(true); });
    audio.addEventListener("ended", function () {
      tell(100);
      remember(guid, null);
      if (playingAll) go(index + 1);
    });
    window.addEventListener("pagehide", function () { save(true); });
    return { audio: audio, root: root };
  }

  function go(index) {
    if (index < 0 || index >= players.length) { playingAll = false; return; }
    var next = players[index];
    next.root.scrollIntoView && next.root.scrollIntoView({ block: "nearest" });
    start(next.audio);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-player]"), function (root) {
    var made = Player(root, players.length);
    if (made) players.push(made);
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-play-all]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { playingAll = true; go(0); });
  });

  // In an embed: tell the page around it how tall it is, whenever that changes.
  if (window.parent !== window && document.documentElement.hasAttribute("data-embed")) {
    var told = 0;
    var tellHeight = function () {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === told) return;
      told = height;
      window.parent.postMessage({ type: "audio-edition:height", height: height, src: location.href }, "*");
    };
    if (window.ResizeObserver) new ResizeObserver(tellHeight).observe(document.documentElement);
    window.addEventListener("load", tellHeight);
    document.addEventListener("toggle", tellHeight, true);
    tellHeight();
  }
})();
