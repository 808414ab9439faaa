/* sopc guided mode: walk the page's procedure step by step on a live call.

   "Guide me" starts a walk with the JavaScript runtime (runtime/, beside this
   file) on the procedure's bundle (its part, bundles/<id>.json, and the parts of
   the procedures it hands off to): the facts entered once,
   each question's answers as buttons, scripts and record fields filled with
   the facts, repeats counted, waits shown, hand-offs followed into the other
   procedure and back. A walk is a list of facts and actions replayed by the
   runtime, so it can go back a step, survive a reload (localStorage) and be
   shared as an address (?guide=...). Every text from the procedure is put in
   the page as text, never as markup. */
(function () {
  "use strict";

  var SCRIPT = document.currentScript && document.currentScript.src;
  var STORE = "sopc-guide:";
  var PARAM = "guide";
  var runtime = null;
  var bundles = {};
  var parts = {};

  function asset(path) {
    return new URL(path, SCRIPT).href;
  }

  function loadRuntime() {
    runtime = runtime || import(asset("runtime/index.js"));
    return runtime;
  }

  // Each SOP's part of the bundle (bundles/<id>.json) holds that SOP alone;
  // a walk needs the parts of every SOP it can hand off to, loaded here and
  // each checked by the runtime (version, shape, digest, and that it is the
  // part of the SOP asked for) before they are combined into one bundle,
  // whose hand-offs must then all resolve.
  function loadPart(rt, sop) {
    if (!parts[sop]) {
      parts[sop] = fetch(asset("bundles/" + encodeURIComponent(sop) + ".json")).then(function (response) {
        if (!response.ok) {
          throw new Error("the bundle of procedure " + sop + " could not be loaded (" + response.status + ")");
        }
        return response.text().then(function (text) { return rt.Bundle.loadPart(text, sop); });
      });
    }
    return parts[sop];
  }

  function handOffTargets(part) {
    var targets = [];
    Object.keys(part.sops).forEach(function (id) {
      part.sops[id].steps.forEach(function (step) {
        if (step.handoff && step.handoff.target === "sop") {
          targets.push(step.handoff.to);
        }
      });
    });
    return targets;
  }

  function loadBundle(sop) {
    if (!bundles[sop]) {
      bundles[sop] = loadRuntime().then(function (rt) {
        var loaded = {};
        function reach(ids) {
          var todo = ids.filter(function (id) { return !Object.prototype.hasOwnProperty.call(loaded, id); });
          todo.forEach(function (id) { loaded[id] = null; });
          return Promise.all(todo.map(function (id) { return loadPart(rt, id); })).then(function (found) {
            var next = [];
            found.forEach(function (part, index) {
              loaded[todo[index]] = part;
              next = next.concat(handOffTargets(part));
            });
            return next.length ? reach(next) : null;
          });
        }
        return reach([sop]).then(function () {
          var others = Object.keys(loaded).filter(function (id) { return id !== sop; }).sort();
          return rt.Bundle.combine([loaded[sop]].concat(others.map(function (id) { return loaded[id]; })));
        });
      });
    }
    return bundles[sop];
  }

  function addStylesheet() {
    if (document.querySelector("link[data-sopc-guide]")) {
      return;
    }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = asset("guide.css");
    link.setAttribute("data-sopc-guide", "");
    document.head.appendChild(link);
  }

  // -- small DOM helpers: text only, never markup ---------------------------------

  function el(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined && text !== null) {
      element.textContent = String(text);
    }
    return element;
  }

  function button(label, className, onClick) {
    var element = el("button", "sopc-button sopc-guide-button " + (className || ""), label);
    element.type = "button";
    element.addEventListener("click", onClick);
    return element;
  }

  // One clipboard helper for the whole page: sopc.js (loaded first) defines it.
  function copyText(text) {
    return window.sopc.copyText(text);
  }

  function copyButton(label, what, getText) {
    var element = button(label, "sopc-copy", function () {
      copyText(getText()).then(function () {
        element.textContent = "Copied";
        element.classList.add("sopc-copied");
        setTimeout(function () {
          element.textContent = label;
          element.classList.remove("sopc-copied");
        }, 1500);
      });
    });
    if (label === "Copy") {  // a bare "Copy" says what it copies to a screen reader
      element.setAttribute("aria-label", "Copy " + what);
    }
    element.title = "Copy " + what;
    return element;
  }

  function encodeWalk(walk) {
    var bytes = new TextEncoder().encode(JSON.stringify(walk));
    var binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeWalk(text) {
    try {
      var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
      var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
      var walk = JSON.parse(new TextDecoder().decode(bytes));
      return walk && typeof walk === "object" && Array.isArray(walk.actions) ? walk : null;
    } catch (error) {
      return null;
    }
  }

  function describeDuration(duration) {
    return duration ? duration.text : null;
  }

  // -- one guided walk --------------------------------------------------------------

  function Guide(root) {
    this.root = root;
    this.sop = root.getAttribute("data-sop");
    this.walk = null;      // {sop, today, facts, actions}: what is replayed
    this.session = null;
    this.marks = [];       // log length after each action: where each group of steps begins
    this.note = "";
    root.classList.add("sopc-guide-ready");
    this.live = el("p", "sopc-guide-live");
    this.live.setAttribute("aria-live", "polite");
    this.panel = el("section", "sopc-guide-panel");
    this.panel.setAttribute("aria-label", "Guided walk");
    root.appendChild(this.panel);
    root.appendChild(this.live);
    var saved = this.fromAddress() || this.fromStorage();
    if (saved) {
      this.open(saved);
    } else {
      this.showIdle();
    }
  }

  Guide.prototype.fromAddress = function () {
    var param = new URLSearchParams(location.search).get(PARAM);
    var walk = param ? decodeWalk(param) : null;
    if (param) {
      // The walk is kept in this browser from now on: the address goes back to the page's own.
      var url = new URL(location.href);
      url.searchParams.delete(PARAM);
      history.replaceState(history.state, "", url.href);
    }
    return walk && walk.sop === this.sop ? walk : null;
  };

  Guide.prototype.fromStorage = function () {
    try {
      var walk = JSON.parse(localStorage.getItem(STORE + this.sop) || "null");
      return walk && walk.sop === this.sop && Array.isArray(walk.actions) ? walk : null;
    } catch (error) {
      return null;
    }
  };

  Guide.prototype.store = function () {
    try {
      if (this.walk) {
        localStorage.setItem(STORE + this.sop, JSON.stringify(this.walk));
      } else {
        localStorage.removeItem(STORE + this.sop);
      }
    } catch (error) {
      // Private windows may refuse storage: the walk still works, it just does not survive a reload.
    }
  };

  Guide.prototype.clear = function () {
    this.panel.textContent = "";
    this.root.classList.remove("sopc-guide-open");
  };

  Guide.prototype.showIdle = function () {
    var guide = this;
    this.clear();
    var bar = el("div", "sopc-guide-start");
    bar.appendChild(button("Guide me", "sopc-guide-go", function () { guide.showFacts({}); }));
    bar.appendChild(el("span", "sopc-guide-hint",
      "Walk this procedure step by step: answer its questions, get its scripts filled in."));
    this.panel.appendChild(bar);
  };

  Guide.prototype.open = function (walk) {
    var guide = this;
    loadBundle(this.sop).then(function (bundle) {
      guide.bundle = bundle;
      guide.replay(walk);
    }).catch(function (error) { guide.fail(error); });
  };

  Guide.prototype.fail = function (error) {
    this.clear();
    this.panel.appendChild(el("p", "sopc-guide-error", "Guided mode is not available: " + (error && error.message)));
  };

  // -- facts --------------------------------------------------------------------------

  Guide.prototype.showFacts = function (facts) {
    var guide = this;
    loadBundle(this.sop).then(function (bundle) {
      guide.bundle = bundle;
      guide.renderFacts(facts);
    }).catch(function (error) { guide.fail(error); });
  };

  Guide.prototype.renderFacts = function (facts) {
    var guide = this;
    var inputs = this.bundle.sops[this.sop].inputs;
    if (!inputs.length) {
      this.start({});
      return;
    }
    this.clear();
    this.root.classList.add("sopc-guide-open");
    var form = el("form", "sopc-guide-facts");
    form.appendChild(el("h2", "sopc-guide-title", "Guided walk: what do you know already?"));
    form.appendChild(el("p", "sopc-guide-hint", "Fill in what you know; leave the rest empty. " +
      "The walk asks when it needs something, and fills the scripts with what you enter."));
    var fields = inputs.map(function (input) {
      return guide.factField(input, facts[input.id], form);
    });
    var error = el("p", "sopc-guide-error");
    error.setAttribute("role", "alert");
    form.appendChild(error);
    var actions = el("div", "sopc-guide-actions");
    var go = el("button", "sopc-button sopc-guide-button sopc-guide-go", "Start the walk");
    go.type = "submit";
    actions.appendChild(go);
    actions.appendChild(button("Cancel", "", function () { guide.showIdle(); }));
    form.appendChild(actions);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var known = {};
      try {
        fields.forEach(function (field) {
          var value = field.read();
          if (value !== null) {
            known[field.input.id] = guide.bundle.coerce(field.input.id, value, guide.sop);
          }
        });
      } catch (problem) {
        error.textContent = problem.message;
        return;
      }
      guide.start(known);
    });
    this.panel.appendChild(form);
    var first = form.querySelector("input, select");
    if (first) {
      first.focus();
    }
  };

  Guide.prototype.factField = function (input, value, into) {
    var id = "sopc-guide-" + this.sop + "-" + input.id;
    var row = el("div", "sopc-guide-field");
    var label = el("label", null, input.label);
    label.htmlFor = id;
    row.appendChild(label);
    var control;
    if (input.type === "yesno" || input.type === "choice") {
      control = el("select");
      var choices = input.type === "yesno" ? [["", "not known"], ["yes", "Yes"], ["no", "No"]]
        : [["", "not known"]].concat(input.values.map(function (v) { return [v, v]; }));
      choices.forEach(function (choice) {
        var option = el("option", null, choice[1]);
        option.value = choice[0];
        control.appendChild(option);
      });
      control.value = value === true ? "yes" : value === false ? "no" : (value === undefined ? "" : String(value));
    } else {
      control = el("input");
      control.type = input.type === "date" ? "date" : "text";
      if (input.type === "number") {
        control.inputMode = "decimal";
      }
      control.value = value === undefined ? "" : String(value);
    }
    control.id = id;
    control.name = input.id;
    row.appendChild(control);
    if (input.help) {
      var help = el("small", "sopc-guide-help", input.help);
      help.id = id + "-help";
      control.setAttribute("aria-describedby", help.id);
      row.appendChild(help);
    }
    into.appendChild(row);
    return {
      input: input,
      read: function () {
        var text = control.value.trim();
        return text === "" ? null : text;
      },
    };
  };

  // -- walking --------------------------------------------------------------------------

  Guide.prototype.start = function (facts) {
    this.replay({ sop: this.sop, today: null, facts: facts, actions: [] });
  };

  Guide.prototype.act = function (action) {
    this.walk.actions.push(action);
    this.replay(this.walk, true);
  };

  Guide.prototype.back = function () {
    this.walk.actions.pop();
    this.replay(this.walk, true);
  };

  Guide.prototype.stop = function () {
    this.walk = null;
    this.session = null;
    this.store();
    this.highlight(null);
    this.showIdle();
  };

  // Start the walk afresh and apply its actions in order; an action the
  // procedure no longer allows (it changed since) ends the replay there.
  Guide.prototype.replay = function (walk, moved) {
    var guide = this;
    return loadRuntime().then(function (rt) {
      var today = walk.today || localToday();
      var session;
      try {
        session = rt.Session.start(guide.bundle, guide.sop, walk.facts || {}, today);
      } catch (error) {
        guide.note = "The saved walk no longer fits this procedure: " + error.message;
        guide.walk = null;
        guide.store();
        guide.renderFacts({});
        return;
      }
      var marks = [];
      var applied = [];
      guide.note = "";
      for (var i = 0; i < walk.actions.length; i++) {
        var action = walk.actions[i];
        marks.push(session.log.length);
        try {
          if (action.do === "choose") {
            session.choose(action.label);
          } else if (action.do === "supply") {
            session.supply(action.name, action.value);
          } else if (action.do === "resume") {
            session.resume();
          }
        } catch (error) {
          guide.note = "The procedure changed since this walk was saved; it goes on from the last step that still applies.";
          marks.pop();
          break;
        }
        applied.push(action);
      }
      guide.walk = { sop: guide.sop, today: today, facts: walk.facts || {}, actions: applied };
      guide.session = session;
      guide.marks = marks;
      guide.store();
      guide.render(moved);
    }).catch(function (error) { guide.fail(error); });
  };

  function localToday() {
    var now = new Date();
    function pad(n) { return String(n).padStart(2, "0"); }
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  Guide.prototype.sopTitle = function (sopId) {
    var sop = this.bundle.sops[sopId];
    return sop ? sop.title : sopId;
  };

  Guide.prototype.render = function (moved) {
    var guide = this;
    var session = this.session;
    this.clear();
    this.root.classList.add("sopc-guide-open");
    var head = el("div", "sopc-guide-head");
    head.appendChild(el("h2", "sopc-guide-title", "Guided walk"));
    var tools = el("div", "sopc-guide-tools");
    var back = button("Back", "sopc-guide-back", function () { guide.back(); });
    back.disabled = !this.walk.actions.length;
    back.title = "Undo the last answer";
    tools.appendChild(back);
    tools.appendChild(button("Restart", "sopc-guide-restart", function () { guide.renderFacts(guide.walk.facts); }));
    tools.appendChild(copyButton("Copy link", "a link to this walk", function () { return guide.link(); }));
    tools.appendChild(button("Stop guiding", "sopc-guide-stop", function () { guide.stop(); }));
    head.appendChild(tools);
    this.panel.appendChild(head);
    if (this.note) {
      this.panel.appendChild(el("p", "sopc-guide-note", this.note));
    }
    this.panel.appendChild(this.factsLine());
    var from = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (from > 0) {
      this.panel.appendChild(this.trail(from));
    }
    var cards = el("ol", "sopc-guide-steps");
    cards.start = from + 1;
    for (var i = from; i < session.log.length; i++) {
      cards.appendChild(this.card(i, i === session.log.length - 1));
    }
    this.panel.appendChild(cards);
    var current = session.log[session.log.length - 1];
    this.highlight(session.status === "ended" ? null : current);
    var first = cards.querySelector(".sopc-guide-step-title");
    if (moved && first) {
      first.focus({ preventScroll: true });
      first.scrollIntoView({ block: "nearest" });
    }
    if (current) {
      this.live.textContent = "Step " + session.log.length + ": " + current.title +
        (session.status === "question" ? ". " + current.ask : "");
    }
  };

  Guide.prototype.factsLine = function () {
    var guide = this;
    var facts = this.session.facts;
    var names = Object.keys(facts);
    var line = el("p", "sopc-guide-facts-line");
    if (!names.length) {
      line.textContent = "No facts entered yet.";
      return line;
    }
    line.appendChild(el("strong", null, "Facts: "));
    line.appendChild(document.createTextNode(names.map(function (name) {
      var input = guide.bundle.inputDef(name, guide.sop);
      return (input ? input.label : name) + ": " + factText(facts[name]);
    }).join("; ")));
    return line;
  };

  function factText(value) {
    return value === true ? "yes" : value === false ? "no" : String(value);
  }

  // The steps walked before the current group, one line each.
  Guide.prototype.trail = function (upTo) {
    var guide = this;
    var details = el("details", "sopc-guide-trail");
    details.appendChild(el("summary", null, "Steps so far (" + upTo + ")"));
    var list = el("ol");
    this.session.log.slice(0, upTo).forEach(function (visit) {
      var item = el("li", null, (visit.sop !== guide.sop ? guide.sopTitle(visit.sop) + ": " : "") + visit.title);
      list.appendChild(item);
    });
    details.appendChild(list);
    return details;
  };

  Guide.prototype.card = function (index, isCurrent) {
    var visit = this.session.log[index];
    var step = this.bundle.step(visit.sop, visit.step);
    var card = el("li", "sopc-guide-step" + (isCurrent ? " sopc-guide-current" : ""));
    card.setAttribute("data-step", visit.step);
    card.setAttribute("data-sop", visit.sop);
    var previous = index > 0 ? this.session.log[index - 1] : null;
    if (previous && previous.sop !== visit.sop) {
      // A hand-off enters the other procedure at its start; anything else returns to one that handed off.
      var entering = visit.sop !== this.sop && visit.step === this.bundle.sops[visit.sop].start;
      card.appendChild(el("p", "sopc-guide-where", (entering ? "Now in " : "Back in ") + this.sopTitle(visit.sop)));
    }
    var title = el("h3", "sopc-guide-step-title", visit.title);
    title.tabIndex = -1;
    card.appendChild(title);
    var attempt = this.attemptText(index, step);
    if (attempt) {
      card.appendChild(el("p", "sopc-guide-attempt", attempt));
    }
    if (visit.do) {
      card.appendChild(el("div", "sopc-guide-do", visit.do));
    }
    visit.callouts.forEach(function (callout) {
      card.appendChild(el("p", "sopc-guide-callout sopc-guide-callout-" + callout.kind, callout.text));
    });
    visit.scripts.forEach(function (script) {
      var box = el("div", "sopc-guide-script");
      var head = el("div", "sopc-guide-script-title",
        script.mode.charAt(0).toUpperCase() + script.mode.slice(1) + (script.title ? ": " + script.title : ""));
      head.appendChild(copyButton("Copy", "the script", function () { return script.text; }));
      box.appendChild(head);
      box.appendChild(el("div", "sopc-guide-script-text", script.text));
      card.appendChild(box);
    });
    visit.records.forEach(function (record) {
      card.appendChild(recordBox(record));
    });
    visit.gaps.forEach(function (gap) {
      card.appendChild(el("p", "sopc-guide-gap", "Missing from the source: " + gap));
    });
    if (step.handoff) {
      card.appendChild(this.handoffNote(step));
    }
    if (isCurrent) {
      this.controls(card, step);
    }
    return card;
  };

  function recordBox(record) {
    var box = el("div", "sopc-guide-record");
    box.appendChild(el("div", "sopc-guide-record-title",
      "Record: " + record.title + " (" + [record.system, record.action].filter(Boolean).join(", ") + ")"));
    var list = el("dl");
    record.fields.forEach(function (field) {
      list.appendChild(el("dt", null, field.name));
      var value = field.values.join(field.multiple ? "\n" : "");
      var cell = el("dd");
      cell.appendChild(el("span", "sopc-guide-value", value));
      if (value.trim()) {
        cell.appendChild(copyButton("Copy", "the value of " + field.name, function () { return value; }));
      }
      list.appendChild(cell);
    });
    box.appendChild(list);
    return box;
  }

  // "Attempt 2 of 5" on a step a repeat goes back to; "all 5 attempts used" on the repeat when it runs out.
  Guide.prototype.attemptText = function (index, step) {
    var visit = this.session.log[index];
    var visitsSoFar = this.session.log.slice(0, index + 1).filter(function (v) {
      return v.sop === visit.sop && v.step === visit.step;
    }).length;
    if (step.repeat) {
      var max = step.repeat.max_attempts;
      return visitsSoFar >= max ? "No answer after " + max + " attempts: the attempts are used up."
        : "Attempt " + visitsSoFar + " of " + max + " did not succeed.";
    }
    var loops = this.bundle.sops[visit.sop].steps.filter(function (s) {
      return s.repeat && s.repeat.back_to === visit.step;
    });
    if (!loops.length) {
      return null;
    }
    return "Attempt " + Math.min(visitsSoFar, loops[0].repeat.max_attempts) + " of " + loops[0].repeat.max_attempts;
  };

  Guide.prototype.handoffNote = function (step) {
    var target = step.handoff;
    var note = el("p", "sopc-guide-handoff");
    if (target.target === "sop") {
      note.textContent = "Hand off to " + this.sopTitle(target.to) + (target.then ? "; the walk comes back here after it." : ".");
      return note;
    }
    var procedure = this.bundle.procedures[target.to];
    note.appendChild(document.createTextNode("Hand off to "));
    var name = procedure ? procedure.title : target.to;
    if (procedure && procedure.url && /^(https?:|mailto:)/.test(procedure.url)) {
      var link = el("a", null, name);
      link.href = procedure.url;
      note.appendChild(link);
    } else {
      note.appendChild(el("strong", null, name));
    }
    note.appendChild(document.createTextNode(target.then ? ", then go on here." : "."));
    return note;
  };

  // What the agent can do at the step the walk stopped at.
  Guide.prototype.controls = function (card, step) {
    var guide = this;
    var session = this.session;
    var box = el("div", "sopc-guide-controls");
    if (session.status === "question") {
      var view = session.view();
      box.appendChild(el("p", "sopc-guide-ask", view.ask));
      var answers = el("div", "sopc-guide-options");
      answers.setAttribute("role", "group");
      answers.setAttribute("aria-label", view.ask);
      view.options.forEach(function (option) {
        answers.appendChild(button(option.label, "sopc-guide-option", function () {
          guide.act({ do: "choose", label: option.label });
        }));
      });
      box.appendChild(answers);
      if (view.needs.length) {
        box.appendChild(this.needsForm(view.needs));
      }
    } else if (session.status === "waiting") {
      var waiting = session.waiting;
      var what = [describeDuration(waiting.for), waiting.until ? "until " + waiting.until : null].filter(Boolean).join(", ");
      box.appendChild(el("p", "sopc-guide-wait",
        (waiting.reason === "repeat" ? "Before the next attempt, wait " : "Wait ") + (what || "until told to go on") + "."));
      box.appendChild(button("The wait is over", "sopc-guide-resume", function () { guide.act({ do: "resume" }); }));
    } else if (session.status === "ended") {
      var end = session.end;
      box.appendChild(el("p", "sopc-guide-end", "The walk has ended: " + (session.outcome || "no outcome (the step leads nowhere)") +
        (end && end.sop !== this.sop ? " (in " + this.sopTitle(end.sop) + ")" : "") + "."));
      box.appendChild(copyButton("Copy call summary", "the call summary", function () { return guide.summary(); }));
    }
    card.appendChild(box);
  };

  Guide.prototype.needsForm = function (needs) {
    var guide = this;
    var form = el("form", "sopc-guide-needs");
    form.appendChild(el("p", "sopc-guide-hint", "Or let the facts decide:"));
    var fields = needs.map(function (need) {
      return guide.factField(need, undefined, form);
    });
    var error = el("p", "sopc-guide-error");
    error.setAttribute("role", "alert");
    form.appendChild(error);
    var use = el("button", "sopc-button sopc-guide-button", "Use these facts");
    use.type = "submit";
    form.appendChild(use);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var supplied = [];
      try {
        fields.forEach(function (field) {
          var value = field.read();
          if (value !== null) {
            guide.bundle.coerce(field.input.id, value, guide.sop);
            supplied.push({ do: "supply", name: field.input.id, value: value });
          }
        });
      } catch (problem) {
        error.textContent = problem.message;
        return;
      }
      if (!supplied.length) {
        error.textContent = "Enter a value first.";
        return;
      }
      supplied.slice(0, -1).forEach(function (action) { guide.walk.actions.push(action); });
      guide.act(supplied[supplied.length - 1]);
    });
    return form;
  };

  // -- where the walk is: the flowchart, the address -----------------------------------

  Guide.prototype.highlight = function (visit) {
    document.querySelectorAll(".sopc-guide-node").forEach(function (node) {
      node.classList.remove("sopc-guide-node");
    });
    if (!visit || visit.sop !== this.sop) {
      return;
    }
    var figure = document.querySelector("figure.sopc-flowchart");
    if (!figure) {
      return;
    }
    var links = figure.querySelectorAll("svg a");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href") || links[i].getAttributeNS("http://www.w3.org/1999/xlink", "href");
      if (href === "#" + visit.step) {
        var node = links[i].closest(".sopc-node") || links[i];
        node.classList.add("sopc-guide-node");
        if (figure.sopcChart && typeof figure.sopcChart.showNode === "function") {
          figure.sopcChart.showNode(node);
        }
        return;
      }
    }
  };

  Guide.prototype.link = function () {
    var url = new URL(location.href);
    url.hash = "";
    url.searchParams.set(PARAM, encodeWalk(this.walk));
    return url.href;
  };

  // The call as a ticket wants it: path, answers, records with their fields.
  Guide.prototype.summary = function () {
    var guide = this;
    var session = this.session;
    var lines = [this.sopTitle(this.sop) + ": guided walk of " + this.walk.today];
    lines.push("Outcome: " + (session.outcome || "none") + (session.end ? " (at " + this.stepName(session.end) + ")" : ""));
    var names = Object.keys(session.facts);
    if (names.length) {
      lines.push("", "Facts:");
      names.forEach(function (name) {
        var input = guide.bundle.inputDef(name, guide.sop);
        lines.push("- " + (input ? input.label : name) + ": " + factText(session.facts[name]));
      });
    }
    lines.push("", "Path:");
    session.log.forEach(function (visit, i) {
      lines.push(i + 1 + ". " + guide.stepName(visit));
    });
    if (session.decisions.length) {
      lines.push("", "Answers:");
      session.decisions.forEach(function (decision) {
        var step = guide.bundle.step(decision.sop, decision.step);
        lines.push("- " + step.decision.ask.replace(/\s+/g, " ").trim() + " " + decision.label +
          (decision.by === "facts" ? " (decided by the facts)" : ""));
      });
    }
    var records = session.records;
    if (records.length) {
      lines.push("", "Records:");
      records.forEach(function (record) {
        lines.push("- " + record.title + " (" + [record.system, record.action].filter(Boolean).join(", ") + ")");
        record.fields.forEach(function (field) {
          lines.push("  " + field.name + ": " + field.values.join("; "));
        });
      });
    }
    return lines.join("\n") + "\n";
  };

  Guide.prototype.stepName = function (where) {
    var step = this.bundle.step(where.sop, where.step);
    return (where.sop !== this.sop ? this.sopTitle(where.sop) + ": " : "") + (step ? step.title : where.step);
  };

  // -- every page -------------------------------------------------------------------------

  function setUp() {
    var hooks = document.querySelectorAll(".sopc-guide[data-sop]:not(.sopc-guide-ready)");
    if (!hooks.length || !SCRIPT) {
      return;
    }
    addStylesheet();
    hooks.forEach(function (root) { root.sopcGuide = new Guide(root); });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
