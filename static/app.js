/* The pages' only script: the dashboard's self-refreshing counters, the
   scripts page's active switches, and a script page's copyable ping lines.
   No build step, no dependencies. */

(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.content : "";

  function interpolate(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function timeFormat(zone) {
    try {
      return new Intl.DateTimeFormat(lang, { timeStyle: "medium", timeZone: zone });
    } catch (error) {
      return new Intl.DateTimeFormat(lang, { timeStyle: "medium" }); // a zone Intl does not know
    }
  }

  var dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeZone: "UTC" });

  function formatDay(isoDay) {
    return dateFormat.format(new Date(isoDay + "T00:00:00Z"));
  }

  /* ------------------------------------------------------------ dashboard */

  /* Polls GET /api/dashboard/stats with the ETag of the numbers it shows
     (If-None-Match): while they are unchanged the answer is a bodiless 304.
     Every few seconds while someone uses the page (pointer, keys, scrolling)
     and for a while after the last activity, else every
     DASHBOARD_REFRESH_SECONDS; never while the tab is hidden. */

  function Dashboard(root) {
    this.root = root;
    this.url = root.getAttribute("data-stats-url");
    this.seconds = Number(root.getAttribute("data-refresh-seconds")) || 30;
    this.activeSeconds = Number(root.getAttribute("data-active-refresh-seconds")) || 5;
    this.activeWindow = Number(root.getAttribute("data-active-window-seconds")) || 60;
    this.activeUntil = 0;
    this.etag = root.getAttribute("data-stats-etag"); // of the numbers the page was rendered with
    this.text = JSON.parse(document.getElementById("dashboard-text").textContent);
    this.counters = root.querySelector("[data-counters]");
    this.error = root.querySelector("[data-stats-error]");
    this.meta = {};
    var self = this;
    root.querySelectorAll("[data-meta]").forEach(function (element) {
      self.meta[element.getAttribute("data-meta")] = element;
    });
    this.timer = null;
    this.dueAt = 0;
    this.retryAfter = 0; // seconds, from a 503's Retry-After: try again sooner than usual
    this.inFlight = null;
    this.lastComputedAt = this.meta.computed_at.getAttribute("datetime");
    this.showMeta({
      date: this.meta.date.getAttribute("datetime"),
      time_zone: this.meta.time_zone.textContent,
      computed_at: this.lastComputedAt,
      source: this.meta.source.getAttribute("data-source"),
    });

    root.querySelector('[data-action="refresh"]').addEventListener("click", function () {
      self.load(false);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        clearTimeout(self.timer); // paused while nobody can see it
      } else {
        self.load(true); // back in view: show current numbers at once
      }
    });
    ["pointermove", "pointerdown", "keydown", "wheel", "scroll", "touchstart"].forEach(function (type) {
      document.addEventListener(type, function () {
        self.markActive();
      }, { passive: true, capture: true });
    });
    this.schedule();
  }

  Dashboard.prototype.markActive = function () {
    this.activeUntil = Date.now() + this.activeWindow * 1000;
    // Poll sooner if the next poll was planned at the slow pace.
    if (!this.inFlight && !document.hidden && this.dueAt - Date.now() > this.activeSeconds * 1000) {
      this.schedule();
    }
  };

  Dashboard.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.dueAt = 0;
    if (!document.hidden) {
      var seconds = this.retryAfter || (Date.now() < this.activeUntil ? this.activeSeconds : this.seconds);
      this.dueAt = Date.now() + seconds * 1000;
      this.timer = setTimeout(function () {
        self.load(true);
      }, seconds * 1000);
    }
  };

  Dashboard.prototype.load = function (useCache) {
    var self = this;
    if (this.inFlight) {
      this.inFlight.abort(); // the newer request wins
    }
    var controller = new AbortController();
    this.inFlight = controller;
    this.counters.setAttribute("aria-busy", "true");
    clearTimeout(this.timer);
    this.dueAt = 0;
    var headers = { Accept: "application/json" };
    if (useCache && this.etag) {
      headers["If-None-Match"] = this.etag; // a 304 says the numbers shown are current
    }
    return fetch(this.url + "?use_cache=" + (useCache ? "true" : "false"), {
      credentials: "same-origin",
      cache: "no-store", // the page keeps its own copy; the browser's cache is not asked
      headers: headers,
      signal: controller.signal,
    })
      .then(function (response) {
        var retryAfter = Number(response.headers.get("Retry-After"));
        self.retryAfter = response.status === 503 && retryAfter > 0 ? Math.min(retryAfter, self.seconds) : 0;
        if (response.status === 304) {
          return null;
        }
        if (response.status === 503) {
          throw new Error(self.text.unavailable);
        }
        if (!response.ok) {
          throw new Error(response.status === 401 || response.status === 403
            ? self.text.signed_out
            : interpolate(self.text.http_error, { status: response.status }));
        }
        return response.json().then(function (body) {
          return { body: body, etag: response.headers.get("ETag") };
        }, function () {
          throw new Error(self.text.bad_answer);
        });
      })
      .then(function (answer) {
        if (answer === null) {
          self.showCurrent();
        } else {
          self.show(answer.body);
          self.etag = answer.etag; // only once the numbers it names are on the page
        }
      })
      .catch(function (error) {
        if (error.name === "AbortError") {
          return;
        }
        self.showStale(error instanceof TypeError ? self.text.network_error : error.message);
      })
      .finally(function () {
        if (self.inFlight === controller) {
          self.inFlight = null;
          self.counters.removeAttribute("aria-busy");
          self.schedule();
        }
      });
  };

  Dashboard.prototype.show = function (body) {
    var data = body && body.success === true && body.data;
    var keys = Object.keys(data || {});
    var valid = keys.length > 0 && keys.every(function (key) {
      return Number.isInteger(data[key]) && data[key] >= 0;
    });
    if (!valid || !body.meta) {
      throw new Error(this.text.bad_answer); // never show numbers we cannot trust
    }
    var self = this;
    keys.forEach(function (key) {
      var element = self.root.querySelector('[data-stat="' + key + '"]');
      var text = String(data[key]);
      if (element && element.textContent !== text) {
        element.textContent = text; // only changes are announced (aria-live)
      }
    });
    this.root.querySelectorAll("[data-counter-link][data-daily]").forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("day", body.meta.date);
      link.href = url.pathname + url.search;
    });
    this.lastComputedAt = body.meta.computed_at;
    this.showMeta(body.meta);
    this.showCurrent();
  };

  Dashboard.prototype.showCurrent = function () {
    this.counters.setAttribute("data-state", "fresh");
    this.error.hidden = true;
    this.error.textContent = "";
  };

  Dashboard.prototype.showMeta = function (meta) {
    this.meta.date.setAttribute("datetime", meta.date);
    this.meta.date.textContent = formatDay(meta.date);
    this.meta.time_zone.textContent = meta.time_zone;
    this.meta.computed_at.setAttribute("datetime", meta.computed_at);
    this.meta.computed_at.textContent = timeFormat(meta.time_zone).format(new Date(meta.computed_at));
    this.meta.source.setAttribute("data-source", meta.source);
    this.meta.source.textContent = meta.source === "cache" ? this.text.cached : this.text.live;
  };

  Dashboard.prototype.showStale = function (reason) {
    this.counters.setAttribute("data-state", "stale");
    this.error.textContent = interpolate(this.text.stale, {
      reason: reason,
      time: timeFormat(this.meta.time_zone.textContent).format(new Date(this.lastComputedAt)),
    });
    this.error.hidden = false;
  };

  /* ------------------------------------------------ scripts: active switch */

  var labels = document.getElementById("state-labels");
  var stateLabels = labels ? JSON.parse(labels.textContent) : {};
  function showState(scope, state) {
    scope.querySelectorAll("[data-state-badge]").forEach(function (badge) {
      badge.className = "state state-" + state;
      badge.setAttribute("data-state", state);
      badge.textContent = stateLabels[state] || state;
    });
  }

  function initSwitch(button) {
    button.addEventListener("click", function () {
      var status = document.getElementById(button.getAttribute("aria-describedby"));
      button.disabled = true;
      fetch(button.getAttribute("data-toggle-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(button.getAttribute("data-error") + " " + response.status + ".");
          }
          return response.json();
        })
        .then(function (script) {
          var active = script.active === true;
          button.setAttribute("aria-checked", active ? "true" : "false");
          button.querySelector("[data-switch-text]").textContent =
            button.getAttribute(active ? "data-label-on" : "data-label-off");
          var row = button.closest("tr"); // the scripts list; a script's own page has none
          if (row) {
            row.classList.toggle("is-inactive", !active);
          }
          showState(row || document, script.state); // paused, or what it is when switched on
          status.textContent = "";
        })
        .catch(function (error) {
          status.textContent = error instanceof TypeError ? button.getAttribute("data-network-error") : error.message;
        })
        .finally(function () {
          button.disabled = false;
          button.focus();
        });
    });
  }

  /* --------------------------------- script page: ping lines. A [data-copy] button copies
     the <code> it names; without a clipboard (plain HTTP to another host) it selects it. */
  function initCopy(button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector("[data-copy-status]");
      (navigator.clipboard ? navigator.clipboard.writeText(source.textContent) : Promise.reject())
        .then(function () {
          status.textContent = button.getAttribute("data-copied");
        }, function () {
          window.getSelection().selectAllChildren(source);
          status.textContent = button.getAttribute("data-copy-failed");
        });
    });
  }

  /* A form with data-confirm asks before it is sent (regenerating the ping URLs). */
  function initConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  }

  var dashboard = document.querySelector("[data-dashboard]");
  if (dashboard) {
    new Dashboard(dashboard);
  }
  document.querySelectorAll("[data-toggle-url]").forEach(initSwitch);
  document.querySelectorAll("[data-copy]").forEach(initCopy);
  document.querySelectorAll("form[data-confirm]").forEach(initConfirm);
})();
