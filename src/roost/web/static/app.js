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
    }).catch(function () { done = false; });
  }

  function schedule() {
    clearTimeout(timer);
    if (document.visibilityState === "visible") timer = setTimeout(markRead, 2000);
  }

  document.addEventListener("visibilitychange", schedule);
  schedule();
})();
