/* The executions page's script filter: a search-as-you-type field over
   GET /api/scripts/?search=… (a page of 10 names, never the whole list).
   Choosing a script puts its id in the form's hidden `script` input and its
   name in the field; emptying the field means every script. Without this
   script the page still filters by ?script=<id> and shows the name.
   No build step, no dependencies. */

(function () {
  "use strict";

  var DELAY_MS = 200; // wait for a pause in typing before asking
  var PAGE_SIZE = 10;

  function ScriptPicker(root) {
    this.root = root;
    this.url = root.getAttribute("data-search-url");
    this.hidden = root.querySelector('input[name="script"]');
    this.input = root.querySelector('input[type="search"]');
    this.list = root.querySelector('[role="listbox"]');
    this.status = root.querySelector("[data-picker-status]");
    this.chosenName = this.input.value;
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.asked = 0; // answers to older questions are dropped
    var self = this;

    this.input.readOnly = false;
    this.input.addEventListener("input", function () {
      self.typed();
    });
    this.input.addEventListener("keydown", function (event) {
      self.key(event);
    });
    this.input.addEventListener("focus", function () {
      if (self.input.value !== self.chosenName || !self.hidden.value) {
        self.schedule();
      }
    });
    this.list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the field
      var option = event.target.closest('[role="option"]');
      if (option) {
        self.choose(Number(option.getAttribute("data-index")));
      }
    });
    this.input.addEventListener("blur", function () {
      self.close();
      // A name typed but not chosen is not a filter: show the chosen one again.
      if (self.input.value.trim() === "") {
        self.clear();
      } else if (self.input.value !== self.chosenName) {
        self.input.value = self.chosenName;
      }
    });
  }

  ScriptPicker.prototype.typed = function () {
    if (this.input.value.trim() === "") {
      this.clear();
      this.close();
      return;
    }
    this.schedule();
  };

  ScriptPicker.prototype.clear = function () {
    this.hidden.value = "";
    this.chosenName = "";
  };

  ScriptPicker.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.search(self.input.value.trim());
    }, DELAY_MS);
  };

  ScriptPicker.prototype.search = function (text) {
    var self = this;
    var asked = ++this.asked;
    var query = "?page_size=" + PAGE_SIZE + "&search=" + encodeURIComponent(text);
    fetch(this.url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (body) {
        if (asked === self.asked) {
          self.show(body.results || []);
        }
      })
      .catch(function () {
        if (asked === self.asked) {
          self.show([]);
          self.status.textContent = self.root.getAttribute("data-text-failed");
        }
      });
  };

  ScriptPicker.prototype.show = function (scripts) {
    var self = this;
    this.options = scripts;
    this.active = scripts.length ? 0 : -1;
    this.list.textContent = "";
    scripts.forEach(function (script, index) {
      var item = document.createElement("li");
      item.id = "id_script_option_" + index;
      item.setAttribute("role", "option");
      item.setAttribute("data-index", String(index));
      item.setAttribute("data-script-id", String(script.id));
      item.textContent = script.name;
      self.list.appendChild(item);
    });
    this.status.textContent = scripts.length ? "" : this.root.getAttribute("data-text-no-match");
    this.list.hidden = !scripts.length || document.activeElement !== this.input;
    this.input.setAttribute("aria-expanded", this.list.hidden ? "false" : "true");
    this.highlight();
  };

  ScriptPicker.prototype.highlight = function () {
    var self = this;
    Array.prototype.forEach.call(this.list.children, function (item, index) {
      item.setAttribute("aria-selected", index === self.active ? "true" : "false");
    });
    if (this.active >= 0) {
      this.input.setAttribute("aria-activedescendant", "id_script_option_" + this.active);
      this.list.children[this.active].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  ScriptPicker.prototype.close = function () {
    clearTimeout(this.timer);
    this.asked++;
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  ScriptPicker.prototype.choose = function (index) {
    var script = this.options[index];
    if (!script) {
      return;
    }
    this.hidden.value = String(script.id);
    this.chosenName = script.name;
    this.input.value = script.name;
    this.status.textContent = "";
    this.close();
  };

  ScriptPicker.prototype.key = function (event) {
    var open = !this.list.hidden && this.options.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) {
        this.schedule();
        return;
      }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.options.length) % this.options.length;
      this.highlight();
    } else if (event.key === "Enter" && open) {
      event.preventDefault(); // choose, do not submit yet
      this.choose(this.active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    }
  };

  document.querySelectorAll("[data-script-picker]").forEach(function (root) {
    new ScriptPicker(root);
  });
})();
