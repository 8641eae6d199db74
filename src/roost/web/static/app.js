// Roost's progressive enhancement (our own, small). Pages work without it.
// 1. <time data-rel>: relative times refreshed every minute.
// 2. <form data-enhance data-target="#id">: sent by fetch with X-Roost-Fragment: 1; the element
//    named by data-target is replaced by the HTML fragment the server answers.
// 3. <a data-more>: "Load more" fetches the next page's fragment and puts it in place of the link.
(function () {
  "use strict";
  var FRAGMENT = { "X-Roost-Fragment": "1" };

  function relative(date) {
    var s = (Date.now() - date.getTime()) / 1000;
    if (s < 45) return "just now";
    if (s < 3600) return Math.max(1, Math.round(s / 60)) + "m";
    if (s < 86400) return Math.floor(s / 3600) + "h";
    if (s < 7 * 86400) return Math.floor(s / 86400) + "d";
    var opts = { month: "short", day: "numeric", timeZone: "UTC" };
    if (date.getUTCFullYear() !== new Date().getUTCFullYear()) opts.year = "numeric";
    return date.toLocaleDateString("en-US", opts);
  }

  function refreshTimes(root) {
    (root || document).querySelectorAll("time[data-rel]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) t.textContent = relative(d);
    });
  }

  function fromHTML(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    return tpl.content;
  }

  function replaceWith(el, html) {
    var frag = fromHTML(html);
    var first = frag.firstElementChild;
    el.replaceWith(frag);
    if (first) refreshTimes(first.parentNode);
    return first;
  }

  function fail(el, message) {
    var p = document.createElement("p");
    p.className = "error small";
    p.setAttribute("role", "alert");
    p.textContent = message;
    el.after(p);
    setTimeout(function () { p.remove(); }, 6000);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-enhance]") || event.defaultPrevented) return;
    var target = document.querySelector(form.getAttribute("data-target") || "");
    if (!target) return;
    event.preventDefault();
    var button = event.submitter;
    var body = new FormData(form);
    if (button && button.name) body.append(button.name, button.value);
    form.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: body, headers: FRAGMENT, credentials: "same-origin" })
      .then(function (res) {
        if (res.redirected) {  // not a fragment (e.g. to /login: the session ended): go there
          location.assign(res.url);
          return null;
        }
        return res.text().then(function (html) {
          if (!res.ok) throw new Error(res.status === 403 ? "This form has expired. Reload the page and try again." : "That did not work (" + res.status + "). Try again.");
          var replaced = replaceWith(target, html);
          var focus = replaced && replaced.querySelector("[autofocus], button, a");
          if (focus && button && button.matches(":focus-visible, :focus")) focus.focus();
        });
      })
      .catch(function (err) { fail(form, err.message || "Network error. Try again."); })
      .finally(function () { form.removeAttribute("aria-busy"); });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-more]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: FRAGMENT, credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) throw new Error("Could not load more (" + res.status + ").");
        return res.text();
      })
      .then(function (html) {
        var parent = link.parentNode;
        var frag = fromHTML(html);
        var first = frag.firstElementChild;
        link.replaceWith(frag);
        refreshTimes(parent);
        var focus = first && first.querySelector("a");
        if (focus) focus.focus({ preventScroll: true });
      })
      .catch(function (err) { link.removeAttribute("aria-busy"); fail(link, err.message); });
  });

  refreshTimes();
  setInterval(refreshTimes, 60000);
})();

// == statuses ==
// The More menu of a status: one open at a time, closed by Escape or a click elsewhere;
// "Copy link" copies the post's address; "Delete" asks with confirm() and then posts the
// delete form through the enhance protocol (without JS it opens the confirmation page).
(function () {
  "use strict";

  function toast(message) {
    var old = document.querySelector(".toast");
    if (old) old.remove();
    var p = document.createElement("p");
    p.className = "toast";
    p.setAttribute("role", "status");
    p.textContent = message;
    document.body.appendChild(p);
    setTimeout(function () { p.remove(); }, 2500);
  }

  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }

  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d.matches && d.matches("details.menu") && d.open) closeMenus(d);
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.menu[open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  });

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!t.closest) return;
    if (!t.closest("details.menu")) closeMenus(null);

    var copy = t.closest("a[data-copy]");
    if (copy && navigator.clipboard && window.isSecureContext) {
      event.preventDefault();
      navigator.clipboard.writeText(copy.getAttribute("data-copy")).then(
        function () { toast("Link copied"); },
        function () { location.assign(copy.href); });
      closeMenus(null);
      return;
    }

    var del = t.closest("a[data-delete]");
    if (del) {
      event.preventDefault();
      if (!window.confirm("Delete this post? This cannot be undone.")) return;
      var bar = del.closest(".actions, .focal-bar");
      var token = (bar && bar.querySelector("input[name=csrf_token]")) ||
                  document.querySelector("input[name=csrf_token]");
      var card = del.getAttribute("data-card");
      var form = document.createElement("form");
      form.method = "post";
      form.action = del.getAttribute("data-delete");
      form.hidden = true;
      form.setAttribute("data-enhance", "");
      form.setAttribute("data-target", "#s-" + card);
      [["csrf_token", token ? token.value : ""], ["card", card],
       ["next", del.getAttribute("data-next") || location.pathname]].forEach(function (kv) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = kv[0];
        input.value = kv[1];
        form.appendChild(input);
      });
      del.after(form);
      form.requestSubmit();
    }
  });
})();

// == capture ==
// Opening an image full size (a link with data-opened) tells Roost, for the people who let
// everything they do be used (roost.capture: the server records it only under consent "all").
// A beacon: the page goes on to the image at once and nothing waits for the answer.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-opened]");
    if (!link || !navigator.sendBeacon) return;
    var body = new FormData();
    body.append("csrf_token", link.getAttribute("data-csrf") || "");
    body.append("what", "image");
    body.append("media_id", link.getAttribute("data-media") || "");
    navigator.sendBeacon(link.getAttribute("data-opened"), body);
  });
})();

// == account ==
// <input type="file" data-preview="#img">: show the chosen picture in the <img> before saving
// (a blob: URL; the CSP allows blob: images). Without JS the saved picture shows after saving.
(function () {
  "use strict";
  var urls = {};
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-preview]")) return;
    var img = document.querySelector(input.getAttribute("data-preview"));
    if (!img) return;
    if (!img.hasAttribute("data-original")) img.setAttribute("data-original", img.src);
    if (urls[input.id]) URL.revokeObjectURL(urls[input.id]);
    var file = input.files && input.files[0];
    if (file && /^image\//.test(file.type)) {
      urls[input.id] = URL.createObjectURL(file);
      img.src = urls[input.id];
      img.alt = "Preview of the new picture";
    } else {
      urls[input.id] = null;
      img.src = img.getAttribute("data-original");
    }
  });
})();

// == compose ==
// The composer (web/_composer.html): a live character count as the server counts (grapheme
// clusters, links as 23, mentions without their domain), picture previews with alt text, the
// draft kept in localStorage per composer (reply target), Ctrl/Cmd+Enter to post, and
// "Posting…" while the form is sent. The server's redirect after a post sets the cookie
// roost_posted=KEY: that draft is forgotten on the next page.
(function () {
  "use strict";
  var URL_RE = /(?<![\p{L}\p{N}_\/])https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/giu;
  var MENTION_RE = /(?<![A-Za-z0-9_\/@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)(?:@(?:[A-Za-z0-9.-]+\.[A-Za-z]{2,}|localhost(?::\d+)?))?/g;
  var TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];
  var DRAFT = "roost:draft:";
  var WEEK = 7 * 86400 * 1000;
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  function graphemes(s) {
    if (!segmenter) return Array.from(s).length;
    var n = 0;
    for (var it = segmenter.segment(s)[Symbol.iterator](), r = it.next(); !r.done; r = it.next()) n++;
    return n;
  }

  function countable(text) {
    return text.replace(URL_RE, "x".repeat(23)).replace(MENTION_RE, "@$1");
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // The post that just went out: forget its draft.
  (function forgetPosted() {
    var m = document.cookie.match(/(?:^|;\s*)roost_posted=([a-z0-9:_-]+)/);
    if (!m) return;
    var store = storage();
    if (store) store.removeItem(DRAFT + m[1]);
    document.cookie = "roost_posted=; Max-Age=0; path=/; SameSite=Lax";
  })();

  function setup(form) {
    var key = DRAFT + form.getAttribute("data-draft-key");
    var max = parseInt(form.getAttribute("data-max-chars"), 10) || 500;
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
    var text = form.querySelector("[data-text]");
    var spoiler = form.querySelector("[data-spoiler]");
    var cw = form.querySelector("[data-cw]");
    var visibility = form.querySelector("[data-visibility]");
    var language = form.querySelector("[data-language]");
    var counter = form.querySelector("[data-count]");
    var post = form.querySelector("[data-post]");
    var picker = form.querySelector("[data-picker]");
    var sensitive = form.querySelector("[data-needs-media]");
    var slots = Array.prototype.slice.call(form.querySelectorAll("[data-slot]"));
    var store = storage();
    var label = post.textContent;
    var box = form.querySelector("[data-media-box]");
    form.classList.add("js");
    if (box) box.open = true;  // with app.js the pictures show as previews, the box is not needed

    function length() {
      return graphemes((cw.checked ? spoiler.value.trim() : "") + countable(text.value.replace(/\r\n/g, "\n")));
    }

    function update() {
      var left = max - length();
      counter.textContent = left + " left";
      counter.classList.toggle("over", left < 0);
      if (left < 0) text.setAttribute("aria-invalid", "true"); else text.removeAttribute("aria-invalid");
    }

    function filled() {
      return slots.filter(function (s) { return s.classList.contains("filled"); });
    }

    function showSensitive() {
      if (sensitive) sensitive.hidden = filled().length === 0;
    }

    function say(message) {
      var old = form.querySelector(".composer-note");
      if (old) old.remove();
      if (!message) return;
      var p = document.createElement("p");
      p.className = "error small composer-note";
      p.setAttribute("role", "alert");
      p.textContent = message;
      form.querySelector(".composer-actions").before(p);
    }

    function preview(slot, file) {
      var img = slot.querySelector("[data-preview]");
      if (img.src) URL.revokeObjectURL(img.src);
      if (file) {
        img.src = URL.createObjectURL(file);
        img.alt = "Preview of " + file.name;
      } else {
        img.removeAttribute("src");
        img.alt = "";
      }
      img.hidden = !file;
      slot.classList.toggle("filled", !!file);
      slot.querySelector("[data-remove]").hidden = !file;
      showSensitive();
    }

    function check(file) {
      if (TYPES.indexOf(file.type) < 0) return file.name + ": only JPEG, PNG, WebP or GIF images can be added.";
      if (maxBytes && file.size > maxBytes) return file.name + " is too large (the limit is " + Math.round(maxBytes / 1048576) + " MB).";
      return null;
    }

    slots.forEach(function (slot) {
      var input = slot.querySelector("[data-file]");
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        var problem = file && check(file);
        if (problem) { input.value = ""; file = null; say(problem); }
        preview(slot, file || null);
      });
      slot.querySelector("[data-remove]").addEventListener("click", function () {
        input.value = "";
        preview(slot, null);
        (picker ? picker.nextElementSibling : text).focus();
      });
      if (input.files && input.files[0]) preview(slot, input.files[0]);  // kept by the browser
      var suggest = slot.querySelector("[data-suggest]");
      if (suggest) suggest.addEventListener("click", function (event) {
        // With JavaScript: describe the chosen file in place (POST /compose/describe) and fill
        // the alt text, which stays editable. Without: the button submits the form.
        event.preventDefault();
        var file = input.files && input.files[0];
        if (!file) { say("Choose an image first."); return; }
        var alt = slot.querySelector("[data-alt]");
        var body = new FormData();
        body.append("csrf_token", form.querySelector("[name=csrf_token]").value);
        body.append("file", file);
        suggest.setAttribute("aria-busy", "true");
        suggest.disabled = true;
        fetch("/compose/describe", { method: "POST", body: body, credentials: "same-origin" })
          .then(function (res) { return res.json().then(function (data) { return { ok: res.ok, data: data }; }); })
          .then(function (r) {
            if (!r.ok) throw new Error(r.data.error || "No suggestion this time.");
            alt.value = r.data.description;
            alt.dispatchEvent(new Event("input", { bubbles: true }));
            alt.focus();
            say("");
          })
          .catch(function (err) { say(err.message || "No suggestion this time. Try again."); })
          .finally(function () { suggest.removeAttribute("aria-busy"); suggest.disabled = false; });
      });
    });

    if (picker) {
      picker.addEventListener("change", function () {
        var files = Array.prototype.slice.call(picker.files || []);
        var problems = [];
        files.forEach(function (file) {
          var problem = check(file);
          if (problem) { problems.push(problem); return; }
          var slot = slots.filter(function (s) { return !s.classList.contains("filled"); })[0];
          if (!slot) { problems.push("At most " + slots.length + " images per post."); return; }
          var dt = new DataTransfer();
          dt.items.add(file);
          slot.querySelector("[data-file]").files = dt.files;
          preview(slot, file);
          slot.querySelector("[data-alt]").focus();
        });
        picker.value = "";
        say(problems.filter(function (p, i) { return problems.indexOf(p) === i; }).join(" "));
      });
    }

    // The draft: text, warning, visibility, language, alt texts (not the files).
    function snapshot() {
      return {
        text: text.value, spoiler: spoiler.value, cw: cw.checked, visibility: visibility.value,
        language: language.value, alts: slots.map(function (s) { return s.querySelector("[data-alt]").value; }),
        at: Date.now()
      };
    }
    var initial = JSON.stringify(Object.assign(snapshot(), { at: 0 }));
    var timer = null;
    function save() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!store) return;
        var now = snapshot();
        try {
          if (JSON.stringify(Object.assign({}, now, { at: 0 })) === initial) store.removeItem(key);
          else store.setItem(key, JSON.stringify(now));
        } catch (e) { /* storage full or off: the draft is just not kept */ }
      }, 250);
    }
    function restore() {
      if (!store || form.hasAttribute("data-error")) return;  // a form that came back has what was typed
      var d;
      try { d = JSON.parse(store.getItem(key) || "null"); } catch (e) { d = null; }
      if (!d || typeof d.text !== "string" || Date.now() - (d.at || 0) > WEEK) return;
      text.value = d.text;
      spoiler.value = d.spoiler || "";
      cw.checked = !!d.cw;
      if (d.visibility) visibility.value = d.visibility;
      if (d.language) language.value = d.language;
      (d.alts || []).forEach(function (alt, i) { if (slots[i]) slots[i].querySelector("[data-alt]").value = alt || ""; });
    }
    restore();
    form.addEventListener("input", function () { update(); save(); });
    form.addEventListener("change", function () { update(); save(); });

    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (!post.disabled) form.requestSubmit(post);
      }
    });

    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter !== post) return;  // "Create image" ("== create image ==")
      if (post.disabled) { event.preventDefault(); return; }  // already sending
      var left = max - length();
      if (left < 0) {
        event.preventDefault();
        say("Your post is " + (max - left) + " characters long; the limit is " + max + ".");
        text.focus();
        return;
      }
      if (!text.value.trim() && filled().length === 0 && !form.querySelector("[data-attach]:checked")) {
        event.preventDefault();
        say("Write something or add an image.");
        text.focus();
        return;
      }
      clearTimeout(timer);
      if (store) try { store.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* ignore */ }
      post.disabled = true;
      post.textContent = "Posting…";
      form.setAttribute("aria-busy", "true");
    });

    // Back to a page kept by the browser (bfcache): the form can be sent again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      post.disabled = false;
      post.textContent = label;
      form.removeAttribute("aria-busy");
    });

    update();
    showSensitive();
    if (form.hasAttribute("data-focus")) {
      text.focus();
      text.setSelectionRange(text.value.length, text.value.length);  // after the prefilled mentions
    }
  }

  document.querySelectorAll("form[data-composer]").forEach(setup);
})();

// == profiles ==
// <a data-confirm-post="question" data-csrf="token" href="/accounts/ID/block?next=...">: asks
// with confirm() and POSTs to the link's path (without JS the link opens the confirmation page).
// (Menus, <details class="menu">, are closed by the statuses block above.)
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm-post]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (!window.confirm(link.getAttribute("data-confirm-post"))) return;
    var url = new URL(link.href, location.href);
    var form = document.createElement("form");
    form.method = "post";
    form.action = url.pathname;
    form.hidden = true;
    [["csrf_token", link.getAttribute("data-csrf") || ""],
     ["next", url.searchParams.get("next") || location.pathname]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  });
})();

// == notifications ==
// The notifications page marks what it showed as read once the person has seen it (the page
// visible for two seconds): POST /notifications/read with the newest id shown, so anything that
// arrives meanwhile stays unread. The highlight then fades and "Mark all as read" goes away.
(function () {
  "use strict";
  var list = document.querySelector(".notifications[data-unread][data-newest]");
  var token = document.querySelector("input[name=csrf_token]");
  if (!list || !token || !window.fetch) return;
  var timer = null;
  var done = false;

  function markRead() {
    if (done) return;
    done = true;
    var body = new URLSearchParams({ last_read_id: list.getAttribute("data-newest") });
    fetch("/notifications/read", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": token.value, "X-Roost-Fragment": "1" }
    }).then(function (res) {
      if (!res.ok) { done = false; return; }
      list.setAttribute("data-read", "");
      list.removeAttribute("data-unread");
      var mark = document.querySelector(".n-mark-read");
      if (mark) mark.remove();
      list.querySelectorAll(".notification.unread .n-head .visually-hidden").forEach(function (s) { s.remove(); });
      document.querySelectorAll(".badge-count[data-unread]").forEach(function (b) {
        b.setAttribute("data-unread", "0");
        b.hidden = true;
      });
    }).catch(function () { done = false; });
  }

  function schedule() {
    clearTimeout(timer);
    if (document.visibilityState === "visible") timer = setTimeout(markRead, 2000);
  }

  document.addEventListener("visibilitychange", schedule);
  schedule();
})();

// == live ==
// Live updates (web/live.py): a feed marked data-live="home|local|public|tag:NAME" listens to
// /live with EventSource. New posts are counted in a sticky "N new posts" bar (content never
// jumps by itself); its button fetches the page's newer statuses as a fragment (since_id = the
// newest shown) and puts them on top. The unread badge ([data-unread]) follows `notification`.
// EventSource reconnects by itself (honouring retry:); if it gives up, we reopen with backoff.
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch) return;
  var feed = document.querySelector("[data-live]");
  var badges = document.querySelectorAll(".badge-count[data-unread]");
  var kind = feed ? feed.getAttribute("data-live") : (badges.length ? "notifications" : null);
  if (!kind) return;
  if ((kind === "home" || kind === "notifications") && !document.querySelector("form[action='/logout']")) return;
  var MAX = 40;  // the page size a fragment brings at most
  var pending = [];
  var bar = null;
  var delay = 5000;

  function setBadges(count) {
    badges.forEach(function (b) {
      b.setAttribute("data-unread", String(count));
      var n = b.querySelector("[data-unread-n]");
      if (n) n.textContent = count > 99 ? "99+" : String(count);
      b.hidden = !count;
    });
  }

  function shown(id) { return !!(feed && feed.querySelector('.status[data-id="' + id + '"]')); }

  function newestId() {
    var first = feed.querySelector(".status[data-id]");
    return first ? first.getAttribute("data-id") : null;
  }

  function makeBar() {
    bar = document.createElement("div");
    bar.className = "live-bar";
    bar.setAttribute("role", "status");
    bar.setAttribute("aria-live", "polite");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button primary live-button";
    button.hidden = true;
    button.addEventListener("click", loadNew);
    bar.appendChild(button);
    feed.parentNode.insertBefore(bar, feed);
  }

  function renderBar() {
    if (!bar) makeBar();
    var button = bar.querySelector("button");
    var n = pending.length;
    button.textContent = n >= MAX ? MAX + "+ new posts" : n + (n === 1 ? " new post" : " new posts");
    button.hidden = n === 0;
    bar.classList.toggle("on", n > 0);
  }

  function loadNew() {
    var button = bar.querySelector("button");
    var since = newestId();
    var whole = pending.length >= MAX || !since;
    var url = location.pathname + (whole ? "" : "?since_id=" + encodeURIComponent(since));
    button.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Roost-Fragment": "1" }, credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) throw new Error("Could not load new posts (" + res.status + ").");
        return res.text();
      })
      .then(function (html) {
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        var items = Array.prototype.filter.call(tpl.content.querySelectorAll("article.status"),
          function (a) { return whole || !shown(a.getAttribute("data-id")); });
        if (whole) {
          feed.replaceChildren(tpl.content);
        } else {
          var empty = feed.querySelector(".empty");
          if (empty) empty.remove();
          var first = feed.firstChild;
          items.forEach(function (a) { feed.insertBefore(a, first); });
        }
        pending = [];
        renderBar();
        var top = items[0];
        if (top) {
          top.setAttribute("tabindex", "-1");
          top.focus({ preventScroll: true });
          top.scrollIntoView({ block: "start" });
          var head = document.querySelector(".column-head");
          if (head) window.scrollBy(0, -head.offsetHeight - (bar ? bar.offsetHeight : 0));
        }
      })
      .catch(function (err) {
        var p = document.createElement("p");
        p.className = "error small";
        p.setAttribute("role", "alert");
        p.textContent = err.message || "Network error. Try again.";
        bar.appendChild(p);
        setTimeout(function () { p.remove(); }, 6000);
      })
      .finally(function () { button.removeAttribute("aria-busy"); });
  }

  function open() {
    var es = new EventSource("/live?timeline=" + encodeURIComponent(kind));
    es.addEventListener("ready", function () {
      delay = 5000;
      if (feed) feed.setAttribute("data-live-state", "open");
    });
    if (feed) {
      es.addEventListener("update", function (e) {
        var id = JSON.parse(e.data).id;
        if (shown(id) || pending.indexOf(id) !== -1) return;
        pending.push(id);
        renderBar();
      });
      es.addEventListener("delete", function (e) {
        var id = JSON.parse(e.data).id;
        var at = pending.indexOf(id);
        if (at === -1) return;
        pending.splice(at, 1);
        renderBar();
      });
    }
    es.addEventListener("notification", function (e) { setBadges(JSON.parse(e.data).count); });
    es.onerror = function () {
      if (feed) feed.setAttribute("data-live-state", "reconnecting");
      if (es.readyState !== EventSource.CLOSED) return;  // it retries by itself
      setTimeout(open, delay);  // refused (e.g. too many streams): try again later
      delay = Math.min(delay * 2, 300000);
    };
  }
  open();
})();

// == create image ==
// The composer's "Create image" section (web/generate.py). "Create images" and the panel's
// buttons (Cancel, Regenerate, Use selected images) are sent by fetch with X-Roost-Fragment: 1
// instead of leaving the page; the answer (web/_generation.html) goes into [data-ai-panel] and is
// fetched again every second while it has data-poll (queued, running). "Use selected images"
// answers the picked pictures (web/_ai_attached.html): they join the form above the images.
(function () {
  "use strict";
  var FRAGMENT = { "X-Roost-Fragment": "1" };
  var POLL_MS = 1000;
  var FIELDS = ["prompt", "style", "aspect_ratio", "n", "seed", "remix_of"];

  function setup(form) {
    var box = form.querySelector("[data-ai]");
    if (!box) return;
    var slot = box.querySelector("[data-ai-panel]");
    var quota = box.querySelector("[data-ai-quota]");
    var attached = form.querySelector("[data-ai-attached]");
    var token = form.querySelector("input[name=csrf_token]").value;
    var timer = null;
    var sending = false;
    slot.setAttribute("aria-live", "polite");

    function note(message) {
      slot.innerHTML = "";
      var p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = message;
      slot.appendChild(p);
    }

    function show(html) {
      var tpl = document.createElement("template");
      tpl.innerHTML = html;
      var next = tpl.content.querySelector(".ai-panel");
      if (!next) { note("Something went wrong. Try again."); return; }
      var current = slot.querySelector(".ai-panel");
      var same = current && current.getAttribute("data-generation") === next.getAttribute("data-generation") &&
        current.getAttribute("data-state") === next.getAttribute("data-state");
      if (!same) {  // the same state again: leave it, so screen readers do not hear it every second
        slot.innerHTML = "";
        slot.appendChild(next);
      }
      var q = next.querySelector("[data-ai-quota-new]");
      if (q && quota) quota.textContent = q.textContent;
      clearTimeout(timer);
      if (next.hasAttribute("data-poll")) {
        timer = setTimeout(function () { poll(next.getAttribute("data-poll")); }, POLL_MS);
      }
    }

    function poll(url) {
      fetch(url, { headers: FRAGMENT, credentials: "same-origin" })
        .then(function (res) {
          if (!res.ok) throw new Error("status " + res.status);
          return res.text();
        })
        .then(show)
        .catch(function () {  // a network hiccup: try again a little later
          timer = setTimeout(function () { poll(url); }, POLL_MS * 5);
        });
    }

    function body(extra) {
      var data = new FormData();
      data.append("csrf_token", token);
      data.append("composer", form.id);
      extra(data);
      return data;
    }

    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !(button.hasAttribute("data-ai-generate") || button.hasAttribute("data-ai-action"))) return;
      event.preventDefault();
      if (sending) return;
      var pick = button.getAttribute("data-ai-action") === "pick";
      var data = body(function (d) {
        if (button.hasAttribute("data-ai-generate")) {
          FIELDS.forEach(function (name) {
            var el = box.querySelector("[name=" + name + "]");
            if (el) d.append(name, el.value);
          });
        }
        if (pick) {
          slot.querySelectorAll(".ai-check:checked").forEach(function (c) { d.append("candidate_ids[]", c.value); });
        }
      });
      if (pick && !data.getAll("candidate_ids[]").length) {
        var legend = slot.querySelector("legend");
        if (legend) legend.classList.add("error");
        var first = slot.querySelector(".ai-check");
        if (first) first.focus();
        return;
      }
      clearTimeout(timer);
      sending = true;
      box.setAttribute("aria-busy", "true");
      button.disabled = true;
      fetch(button.getAttribute("formaction"), { method: "POST", body: data, headers: FRAGMENT, credentials: "same-origin" })
        .then(function (res) {
          if (res.redirected) { location.assign(res.url); return; }  // e.g. signed out
          return res.text().then(function (html) {
            if (pick && res.ok) {
              var tpl = document.createElement("template");
              tpl.innerHTML = html;
              var added = tpl.content.querySelectorAll("[data-attached]").length;
              attached.appendChild(tpl.content);
              slot.innerHTML = "";
              var p = document.createElement("p");
              p.setAttribute("role", "status");
              p.textContent = added === 1 ? "1 image added to your post. Its alt text is the prompt; edit it if you like."
                : added + " images added to your post. Their alt text is the prompt; edit it if you like.";
              slot.appendChild(p);
              var alts = attached.querySelectorAll("[data-attached] textarea");
              if (alts.length) alts[alts.length - added].focus();
              form.dispatchEvent(new Event("change"));
            } else if (res.ok || res.status === 422 || res.status === 429) {
              show(html);
            } else {
              note(res.status === 403 ? "This form has expired. Reload the page." : "Something went wrong. Try again.");
            }
          });
        })
        .catch(function () { note("Network error. Try again."); })
        .finally(function () {
          sending = false;
          box.removeAttribute("aria-busy");
          button.disabled = false;
        });
    });
  }

  document.querySelectorAll("form[data-composer]").forEach(setup);
})();
