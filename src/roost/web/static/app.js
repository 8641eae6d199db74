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
  var badges = document.querySelectorAll("[data-unread]");
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
