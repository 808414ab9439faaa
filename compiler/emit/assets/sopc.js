/* sopc: the agents' site on a live call.
   - flowcharts open at their start node, at a readable size, with pan, zoom
     (Panzoom, shipped beside this file) and a full-screen view; the step the
     address points at is highlighted;
   - one-click copy of scripts and record field values;
   - table cells labelled with their column, so narrow screens can stack them;
   - the home page's tag filter.
   Every feature degrades to the plain page when JavaScript is off. */
(function () {
  "use strict";

  // Graphviz draws node labels at 11 pt and edge labels at 10 pt (4/3 px per
  // pt): at this scale an edge label is a little over 12 px on screen.
  var READABLE_SCALE = 0.92;
  var MAX_SCALE = 4;
  var DRAG_THRESHOLD = 6;
  var OVERVIEW_SIZE = 220;
  var OVERVIEW_ABOVE = 0.6;  // share of the chart on screen above which no overview is needed

  function onEveryPage(setUp) {
    // Material's instant navigation swaps pages without reloading scripts.
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setUp);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", setUp);
    } else {
      setUp();
    }
  }

  function button(label, title, className) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "sopc-button " + (className || "");
    element.textContent = label;
    element.title = title;
    element.setAttribute("aria-label", title);
    return element;
  }

  // -- flowcharts --------------------------------------------------------------

  function Chart(figure) {
    this.figure = figure;
    this.svg = figure.querySelector("svg");
    this.viewport = document.createElement("div");
    this.viewport.className = "sopc-chart-viewport";
    this.canvas = document.createElement("div");
    this.canvas.className = "sopc-chart-canvas";
    this.svg.parentNode.insertBefore(this.viewport, this.svg);
    this.canvas.appendChild(this.svg);
    this.viewport.appendChild(this.canvas);
    this.naturalWidth = this.svg.viewBox.baseVal.width * 4 / 3;
    this.naturalHeight = this.svg.viewBox.baseVal.height * 4 / 3;
    this.svg.style.width = this.naturalWidth + "px";
    this.svg.style.height = this.naturalHeight + "px";
    this.canvas.style.width = this.naturalWidth + "px";
    this.canvas.style.height = this.naturalHeight + "px";
    this.panzoom = window.Panzoom(this.canvas, {
      maxScale: MAX_SCALE, minScale: 0.05, step: 0.25, cursor: "grab", animate: false,
    });
    this.addControls();
    this.addOverview();
    this.keepClicksFromDrags();
    figure.classList.add("sopc-chart-ready");
    figure.sopcChart = this;  // for other scripts of the site (guided mode shows its step with it)
  }

  Chart.prototype.addControls = function () {
    var chart = this;
    var bar = document.createElement("div");
    bar.className = "sopc-chart-controls";
    var controls = [
      ["+", "Zoom in", function () { chart.zoomBy(1.25); }],
      ["\u2212", "Zoom out", function () { chart.zoomBy(0.8); }],
      ["Start", "Show the start", function () { chart.showStart(); }],
      ["Fit", "Show the whole chart", function () { chart.showWhole(); }],
      ["Full screen", "Full screen", function () { chart.toggleFullScreen(); }, "sopc-chart-full-button"],
    ];
    controls.forEach(function (control) {
      var element = button(control[0], control[1], control[3]);
      element.addEventListener("click", control[2]);
      bar.appendChild(element);
    });
    this.figure.insertBefore(bar, this.viewport);
    this.fullButton = bar.querySelector(".sopc-chart-full-button");
    this.viewport.addEventListener("wheel", function (event) {
      // A plain wheel scrolls the page; pinch (ctrl + wheel) or ctrl + wheel zooms.
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        chart.panzoom.zoomWithWheel(event);
      }
    }, { passive: false });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && chart.figure.classList.contains("sopc-chart-full")) {
        chart.toggleFullScreen();
      }
    });
  };

  Chart.prototype.addOverview = function () {
    // The whole chart in small, with the part on screen outlined: click it to
    // go there. Shown by the CSS on wide screens, where it leaves room.
    var chart = this;
    var overview = document.createElement("div");
    overview.className = "sopc-chart-overview";
    overview.setAttribute("aria-hidden", "true");
    var copy = this.svg.cloneNode(true);
    copy.removeAttribute("style");
    copy.removeAttribute("aria-label");
    copy.setAttribute("class", "sopc-chart-overview-svg");
    copy.querySelectorAll("a").forEach(function (link) {
      link.removeAttribute("href");
      link.removeAttributeNS("http://www.w3.org/1999/xlink", "href");
    });
    var frame = document.createElement("div");
    frame.className = "sopc-chart-overview-frame";
    overview.appendChild(copy);
    overview.appendChild(frame);
    // At most OVERVIEW_SIZE px on its longer side, so a tall chart's overview stays small.
    var longer = Math.max(this.naturalWidth, this.naturalHeight);
    overview.style.width = Math.round(OVERVIEW_SIZE * this.naturalWidth / longer) + "px";
    this.viewport.appendChild(overview);
    this.overview = overview;
    this.overviewFrame = frame;
    overview.addEventListener("pointerdown", function (event) { event.stopPropagation(); });
    overview.addEventListener("click", function (event) {
      var box = overview.getBoundingClientRect();
      var ratio = chart.naturalWidth / box.width;
      var view = chart.size();
      chart.place(chart.panzoom.getScale(), (event.clientX - box.left) * ratio, (event.clientY - box.top) * ratio,
        view.width / 2, view.height / 2);
    });
    this.canvas.addEventListener("panzoomchange", function () { chart.outlineView(); });
  };

  Chart.prototype.outlineView = function () {
    // The chart's part on screen, in the overview's pixels; no overview while
    // most of the chart is on screen anyway (it would only cover boxes).
    var ratio = parseFloat(this.overview.style.width) / this.naturalWidth;
    var scale = this.panzoom.getScale();
    var pan = this.panzoom.getPan();
    var view = this.size();
    var cx = this.naturalWidth / 2;
    var cy = this.naturalHeight / 2;
    var left = Math.max(0, -cx / scale + cx - pan.x);
    var top = Math.max(0, -cy / scale + cy - pan.y);
    var right = Math.min(this.naturalWidth, (view.width - cx) / scale + cx - pan.x);
    var bottom = Math.min(this.naturalHeight, (view.height - cy) / scale + cy - pan.y);
    var shown = (right - left) * (bottom - top) / (this.naturalWidth * this.naturalHeight);
    this.overview.classList.toggle("sopc-overview-idle", shown > OVERVIEW_ABOVE);
    var style = this.overviewFrame.style;
    style.left = left * ratio + "px";
    style.top = top * ratio + "px";
    style.width = Math.max(0, right - left) * ratio + "px";
    style.height = Math.max(0, bottom - top) * ratio + "px";
  };

  Chart.prototype.keepClicksFromDrags = function () {
    // A drag that starts on a box pans; only a click without movement follows the box's link.
    var start = null;
    var moved = false;
    this.viewport.addEventListener("pointerdown", function (event) {
      start = [event.clientX, event.clientY];
      moved = false;
    }, true);
    this.viewport.addEventListener("pointermove", function (event) {
      if (start && Math.hypot(event.clientX - start[0], event.clientY - start[1]) > DRAG_THRESHOLD) {
        moved = true;
      }
    }, true);
    this.viewport.addEventListener("click", function (event) {
      if (moved) {
        event.preventDefault();
        event.stopPropagation();
      }
      start = null;
      moved = false;
    }, true);
  };

  Chart.prototype.size = function () {
    return { width: this.viewport.clientWidth, height: this.viewport.clientHeight };
  };

  Chart.prototype.fitHeight = function () {
    // As tall as the chart at a readable size, but never taller than most of the screen.
    if (this.figure.classList.contains("sopc-chart-full")) {
      this.viewport.style.height = "";
      return;
    }
    var scale = this.readableScale();
    var wanted = this.naturalHeight * scale + 16;
    var most = Math.max(240, window.innerHeight * 0.7);
    this.viewport.style.height = Math.round(Math.min(wanted, most)) + "px";
  };

  Chart.prototype.readableScale = function () {
    var fit = this.size().width / this.naturalWidth;
    return Math.min(1, Math.max(fit, READABLE_SCALE));
  };

  // Puts the point (x, y) of the unscaled chart at (left, top) of the viewport.
  Chart.prototype.place = function (scale, x, y, left, top) {
    var cx = this.naturalWidth / 2;
    var cy = this.naturalHeight / 2;
    this.panzoom.zoom(scale, { animate: false, force: true });
    this.panzoom.pan((left - cx) / scale - x + cx, (top - cy) / scale - y + cy, { animate: false, force: true });
  };

  Chart.prototype.boxOf = function (element) {
    // The element's box in unscaled chart pixels, from the drawing itself:
    // Panzoom applies its transforms on the next frame.
    var box = element.getBBox();
    var matrix = element.getCTM();  // to the <svg> element's own pixels, viewBox included
    return {
      x: matrix.a * box.x + matrix.e, y: matrix.d * box.y + matrix.f,
      width: box.width * matrix.a, height: box.height * matrix.d,
    };
  };

  Chart.prototype.showStart = function () {
    var start = this.svg.querySelector(".sopc-start");
    var scale = this.readableScale();
    var view = this.size();
    if (!start) {
      this.place(scale, 0, 0, 0, 0);
      return;
    }
    var box = this.boxOf(start);
    var centre = box.x + box.width / 2;
    // Centred across, near the top; a chart narrower than the viewport is centred whole.
    var left = this.naturalWidth * scale <= view.width
      ? (view.width - this.naturalWidth * scale) / 2 + centre * scale : view.width / 2;
    this.place(scale, centre, box.y, left, 12);
  };

  Chart.prototype.showWhole = function () {
    var view = this.size();
    var scale = Math.min(view.width / this.naturalWidth, view.height / this.naturalHeight, 1);
    this.place(scale, this.naturalWidth / 2, this.naturalHeight / 2, view.width / 2, view.height / 2);
  };

  Chart.prototype.showNode = function (node) {
    var view = this.size();
    var scale = Math.max(this.panzoom.getScale(), this.readableScale());
    var box = this.boxOf(node);
    this.place(scale, box.x + box.width / 2, box.y + box.height / 2, view.width / 2, view.height / 2);
  };

  Chart.prototype.zoomBy = function (factor) {
    var view = this.viewport.getBoundingClientRect();
    this.panzoom.zoomToPoint(this.panzoom.getScale() * factor,
      { clientX: view.left + view.width / 2, clientY: view.top + view.height / 2 }, { animate: false });
  };

  Chart.prototype.toggleFullScreen = function () {
    // A fixed layer rather than the Fullscreen API, which phones do not offer for page elements.
    var full = this.figure.classList.toggle("sopc-chart-full");
    document.documentElement.classList.toggle("sopc-no-scroll", full);
    this.fullButton.textContent = full ? "Close" : "Full screen";
    this.fullButton.title = full ? "Close the full-screen view (Esc)" : "Full screen";
    this.fitHeight();
    var current = this.currentNode();
    if (current) {
      this.showNode(current);
    } else {
      this.showStart();
    }
  };

  Chart.prototype.nodeFor = function (stepId) {
    var links = this.svg.querySelectorAll("a");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href") || links[i].getAttributeNS("http://www.w3.org/1999/xlink", "href");
      if (href === "#" + stepId) {
        return links[i].closest(".sopc-node") || links[i];
      }
    }
    return null;
  };

  Chart.prototype.currentNode = function () {
    return this.svg.querySelector(".sopc-current");
  };

  Chart.prototype.highlight = function (stepId) {
    var previous = this.currentNode();
    if (previous) {
      previous.classList.remove("sopc-current");
    }
    var node = stepId ? this.nodeFor(stepId) : null;
    if (node) {
      node.classList.add("sopc-current");
    }
    return node;
  };

  Chart.prototype.followAddress = function () {
    var node = this.highlight(decodeURIComponent(location.hash.slice(1)));
    if (node) {
      this.showNode(node);
    } else {
      this.showStart();
    }
  };

  function setUpCharts() {
    if (typeof window.Panzoom !== "function") {
      return;
    }
    document.querySelectorAll("figure.sopc-flowchart:not(.sopc-chart-ready)").forEach(function (figure) {
      if (!figure.querySelector("svg")) {
        return;
      }
      var chart = new Chart(figure);
      figure.sopcChart = chart;  // for guided mode (guide.js), which shows the step it is at
      chart.fitHeight();
      // After Panzoom's own first placement, which it makes on a timer.
      setTimeout(function () { chart.followAddress(); });
      window.addEventListener("hashchange", function () {
        if (document.body.contains(figure)) {
          chart.followAddress();
        }
      });
      window.addEventListener("resize", function () {
        if (document.body.contains(figure)) {
          chart.fitHeight();
        }
      });
    });
  }

  // -- copying -----------------------------------------------------------------

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Pages served over plain http have no clipboard API.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try {
      document.execCommand("copy");
    } finally {
      document.body.removeChild(area);
    }
    return Promise.resolve();
  }

  window.sopc = window.sopc || {};
  window.sopc.copyText = copyText;  // guided mode copies with it too

  function copyButton(getText, what) {
    var element = button("Copy", "Copy " + what, "sopc-copy");
    element.addEventListener("click", function () {
      copyText(getText()).then(function () {
        element.textContent = "Copied";
        element.classList.add("sopc-copied");
        setTimeout(function () {
          element.textContent = "Copy";
          element.classList.remove("sopc-copied");
        }, 1500);
      });
    });
    return element;
  }

  function setUpCopying() {
    document.querySelectorAll(".sopc-script:not(.sopc-copy-ready)").forEach(function (script) {
      var text = script.querySelector(".sopc-script-text");
      var head = script.querySelector(".sopc-script-title");
      if (!text || !head) {
        return;
      }
      head.appendChild(copyButton(function () { return text.innerText.trim(); }, "the script"));
      script.classList.add("sopc-copy-ready");
    });
    document.querySelectorAll(".sopc-record table:not([data-sopc-copy])").forEach(function (table) {
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var name = row.cells[0];
        var value = row.cells[1];
        if (!value || !value.textContent.trim()) {
          return;
        }
        var holder = document.createElement("span");
        holder.className = "sopc-copy-value";
        while (value.firstChild) {
          holder.appendChild(value.firstChild);
        }
        value.appendChild(holder);
        value.appendChild(copyButton(function () { return holder.innerText.trim(); },
          "the value of " + (name ? name.textContent.trim() : "this field")));
      });
      table.dataset.sopcCopy = "";
    });
  }

  // -- tables on narrow screens ------------------------------------------------

  function labelTableCells() {
    // Each cell carries its column's name, shown when the CSS stacks a row on a phone.
    document.querySelectorAll(".md-typeset table:not([data-sopc-labelled])").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (names[index]) {
            cell.setAttribute("data-label", names[index]);
          }
        });
      });
      table.dataset.sopcLabelled = "";
    });
  }

  // -- landing on the searched step --------------------------------------------
  // The search index has one entry per page (sopc.emit.search_index): a result
  // opens the SOP with the searched words in the address (`?h=`), which
  // Material marks once its index is loaded. Go to the step that holds most of
  // the words, unless the address already names a place on the page.

  var HIGHLIGHT_WAIT_MS = 15000;

  function stepHeadingOf(node) {
    var heading = null;
    document.querySelectorAll("article h2.sopc-step").forEach(function (candidate) {
      if (candidate.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) {
        heading = candidate;
      }
    });
    return heading;
  }

  function stepWithMostMarks(marks) {
    // Most of the searched words first, then most marks: a word every step
    // repeats must not outweigh the one word only the wanted step holds.
    var found = new Map();
    var best = null;
    function rank(heading) {
      var seen = found.get(heading);
      return seen.words.size * 1e6 + seen.count;
    }
    marks.forEach(function (mark) {
      var heading = stepHeadingOf(mark);
      if (!heading) {
        return;
      }
      var seen = found.get(heading) || { words: new Set(), count: 0 };
      seen.words.add(mark.textContent.toLowerCase());
      seen.count += 1;
      found.set(heading, seen);
      if (!best || rank(heading) > rank(best)) {
        best = heading;
      }
    });
    return best;
  }

  function goToSearchedStep() {
    var article = document.querySelector("article");
    var searched = new URLSearchParams(location.search).get("h");
    if (!article || !searched || location.hash || !article.querySelector("h2.sopc-step")) {
      return;
    }
    var landed = false;
    function land() {
      var marks = article.querySelectorAll("mark[data-md-highlight]");
      var step = marks.length && stepWithMostMarks(marks);
      if (!step || landed) {
        return false;
      }
      landed = true;
      history.replaceState(history.state, "", "#" + step.id);
      step.scrollIntoView();
      step.classList.add("sopc-searched-step");
      return true;
    }
    if (land()) {
      return;
    }
    var watcher = new MutationObserver(function () {
      if (land()) {
        watcher.disconnect();
      }
    });
    watcher.observe(article, { childList: true, subtree: true });
    setTimeout(function () { watcher.disconnect(); }, HIGHLIGHT_WAIT_MS);
  }

  // -- home page ---------------------------------------------------------------

  function setUpTagFilter() {
    var filter = document.querySelector(".sopc-tag-filter");
    if (!filter || filter.classList.contains("sopc-filter-ready")) {
      return;
    }
    var entries = document.querySelectorAll(".sopc-sop-entry");
    var count = document.querySelector(".sopc-filter-count");
    function choose(tag) {
      var shown = 0;
      entries.forEach(function (entry) {
        var tags = (entry.getAttribute("data-tags") || "").split("|");
        var visible = !tag || tags.indexOf(tag) >= 0;
        entry.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      filter.querySelectorAll("button").forEach(function (chip) {
        chip.setAttribute("aria-pressed", String((chip.getAttribute("data-tag") || "") === tag));
      });
      if (count) {
        count.textContent = tag ? shown + " of " + entries.length + " procedures tagged \u201c" + tag + "\u201d" : "";
      }
    }
    filter.addEventListener("click", function (event) {
      var chip = event.target.closest("button[data-tag]");
      if (chip) {
        choose(chip.getAttribute("data-tag"));
      }
    });
    filter.hidden = false;
    filter.classList.add("sopc-filter-ready");
    var wanted = new URLSearchParams(location.search).get("tag");
    choose(wanted || "");
  }

  onEveryPage(function () {
    labelTableCells();
    setUpCopying();
    setUpCharts();
    setUpTagFilter();
    goToSearchedStep();
  });
})();
