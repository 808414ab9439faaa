/* sopc: the search box answered in the page, in well under a second at
   thousands of SOPs.

   Material's search worker builds a full-text (lunr) index of the whole
   search index in the browser before it answers the first query: at 1,000
   generated SOPs that takes several seconds even with one entry per page.
   Here Material's page still fetches the index and renders the results, but
   its messages to the worker (set up, query) are answered in the page from a
   plain inverted index (word -> pages, counts) built in one pass, and the
   worker is never asked to index anything.

   The index's titles and texts are HTML, escaped by the search plugin; a
   result shows them as they are, with <mark> added around whole words only
   (never inside an entity or a tag), so nothing an author wrote becomes markup. */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;  // Material's worker messages
  var TITLE_WEIGHT = 10;
  var MAX_EXPANSIONS = 40;  // terms a word being typed may stand for
  var MAX_RESULTS = 200;
  var SNIPPET = 320;  // characters of text shown under a result
  var PHRASE_CANDIDATES = 50;

  // lunr's English stop words (lunr.stopWordFilter), which Material's index
  // leaves out too: a phrase copied from a script keeps only its real words.
  var STOP_WORDS = new Set([
    "a","able","about","across","after","all","almost","also","am","among","an","and","any","are","as","at",
    "be","because","been","but","by","can","cannot","could","dear","did","do","does","either","else","ever",
    "every","for","from","get","got","had","has","have","he","her","hers","him","his","how","however","i",
    "if","in","into","is","it","its","just","least","let","like","likely","may","me","might","most","must",
    "my","neither","no","nor","not","of","off","often","on","only","or","other","our","own","rather","said",
    "say","says","she","should","since","so","some","than","that","the","their","them","then","there","these",
    "they","this","tis","to","too","twas","us","wants","was","we","were","what","when","where","which",
    "while","who","whom","why","will","with","would","yet","you","your"
  ]);
  var WORD = /[\p{L}\p{N}]+/gu;
  var ENTITY_OR_WORD = /(&#?\w+;)|([\p{L}\p{N}]+)/gu;

  function plain(html) {
    return String(html || "").replace(/<[^>]*>/g, " ").replace(/&#?\w+;/g, " ");
  }

  function words(text) {
    return (String(text).toLowerCase().match(WORD) || []);
  }

  function countInto(counts, list, weight) {
    list.forEach(function (word) {
      if (!STOP_WORDS.has(word)) {
        counts.set(word, (counts.get(word) || 0) + weight);
      }
    });
  }

  function Index(docs) {
    var postings = new Map();
    var total = 0;
    this.docs = docs;
    this.lengths = [];
    this.flat = [];  // each page's words in order, for phrases
    for (var i = 0; i < docs.length; i++) {
      var counts = new Map();
      var titleWords = words(plain(docs[i].title)), textWords = words(plain(docs[i].text));
      countInto(counts, titleWords, TITLE_WEIGHT);
      countInto(counts, textWords, 1);
      var length = 0;
      counts.forEach(function (count, term) {
        var list = postings.get(term);
        if (!list) {
          postings.set(term, list = []);
        }
        list.push(i, count);
        length += count;
      });
      this.lengths.push(length);
      this.flat.push(" " + titleWords.join(" ") + " " + textWords.join(" ") + " ");
      total += length;
    }
    this.postings = postings;
    this.terms = Array.from(postings.keys()).sort();
    this.average = total / Math.max(1, docs.length);
  }

  Index.prototype.expand = function (word) {
    // The word itself and, as Material does, the longer words it begins.
    var terms = this.terms, low = 0, high = terms.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (terms[mid] < word) { low = mid + 1; } else { high = mid; }
    }
    var found = [];
    for (var i = low; i < terms.length && found.length < MAX_EXPANSIONS && terms[i].startsWith(word); i++) {
      found.push(terms[i]);
    }
    return found;
  };

  Index.prototype.scores = function (word) {
    // BM25 of each page for one query word (its longer forms count half).
    var found = new Map();
    var pages = this.docs.length;
    var self = this;
    this.expand(word).forEach(function (term) {
      var list = self.postings.get(term);
      var idf = Math.log(1 + (pages - list.length / 2 + 0.5) / (list.length / 2 + 0.5));
      var weight = term === word ? 1 : 0.5;
      for (var j = 0; j < list.length; j += 2) {
        var doc = list[j], count = list[j + 1];
        var norm = count * 2.2 / (count + 1.2 * (0.25 + 0.75 * self.lengths[doc] / self.average));
        var score = idf * norm * weight;
        if (score > (found.get(doc) || 0)) {
          found.set(doc, score);
        }
      }
    });
    return found;
  };

  Index.prototype.search = function (query) {
    var typed = words(query);
    var kept = typed.filter(function (word) { return !STOP_WORDS.has(word); });
    var wanted = kept.length ? kept : typed;
    if (!wanted.length) {
      return { items: [] };
    }
    var totals = new Map(), matched = new Map();
    var self = this;
    wanted.forEach(function (word) {
      self.scores(word).forEach(function (score, doc) {
        totals.set(doc, (totals.get(doc) || 0) + score);
        matched.set(doc, (matched.get(doc) || 0) + 1);
      });
    });
    var ranked = Array.from(totals.keys()).map(function (doc) {
      var boost = Number(self.docs[doc].boost) || 1;
      // Pages with more of the words first, as Material ranks them.
      var coverage = matched.get(doc) / wanted.length;
      return { doc: doc, score: totals.get(doc) * boost * (1 + coverage * coverage) * (1 + 4 * coverage) };
    }).sort(function (a, b) { return b.score - a.score; });
    this.preferPhrase(ranked, typed);
    return { items: ranked.slice(0, MAX_RESULTS).map(function (hit) { return [self.item(hit, wanted)]; }) };
  };

  Index.prototype.preferPhrase = function (ranked, typed) {
    // Words copied together from a page: the pages that hold them together first.
    if (typed.length < 2) {
      return;
    }
    var phrase = " " + typed.join(" ") + " ";
    var head = ranked.slice(0, PHRASE_CANDIDATES);
    var self = this;
    head.forEach(function (hit) {
      if (self.flat[hit.doc].indexOf(phrase) >= 0) {
        hit.score *= 10;
      }
    });
    head.sort(function (a, b) { return b.score - a.score; });
    Array.prototype.splice.apply(ranked, [0, head.length].concat(head));
  };

  Index.prototype.item = function (hit, wanted) {
    var doc = this.docs[hit.doc];
    var found = {};
    var flat = this.flat[hit.doc];
    wanted.forEach(function (word) { found[word] = flat.indexOf(" " + word) >= 0; });
    var mark = marker(wanted);
    var item = { location: doc.location, title: mark(doc.title), text: mark(snippet(doc.text, wanted)),
                 score: hit.score, terms: found };
    if (doc.tags) {
      item.tags = doc.tags;
    }
    return item;
  };

  function marker(wanted) {
    return function (html) {
      return String(html).replace(ENTITY_OR_WORD, function (all, entity, word) {
        if (entity) {
          return entity;
        }
        var lower = word.toLowerCase();
        return wanted.some(function (w) { return lower.startsWith(w); }) ? "<mark>" + word + "</mark>" : word;
      });
    };
  }

  function snippet(html, wanted) {
    // Escaped text without tags, around the first word searched for, cut at
    // spaces (never inside an entity).
    var text = String(html || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
    var lower = text.toLowerCase();
    var at = -1;
    wanted.forEach(function (word) {
      var found = lower.search(new RegExp("(^|[^\\p{L}\\p{N}])" + word.replace(/[^\p{L}\p{N}]/gu, ""), "u"));
      if (found >= 0 && (at < 0 || found < at)) {
        at = found;
      }
    });
    var start = Math.max(0, at - SNIPPET / 4);
    if (start > 0) {
      start = text.indexOf(" ", start) + 1;
    }
    var end = start + SNIPPET < text.length ? text.lastIndexOf(" ", start + SNIPPET) : text.length;
    var shown = text.slice(start, end > start ? end : text.length);
    return "<p>" + (start > 0 ? "… " : "") + shown + (end < text.length ? " …" : "") + "</p>";
  }

  // -- answering Material's messages ---------------------------------------------

  function answer(worker, data) {
    setTimeout(function () {
      worker.dispatchEvent(new MessageEvent("message", { data: data }));
    }, 0);
  }

  function isSetup(message) {
    return message && message.type === SETUP && message.data && Array.isArray(message.data.docs);
  }

  var post = window.Worker && window.Worker.prototype.postMessage;
  if (!post || post.sopcAnswersSearch) {
    return;
  }
  var answering = function (message) {
    if (isSetup(message)) {
      this.sopcIndex = new Index(message.data.docs);
      answer(this, { type: READY });
      return;
    }
    if (this.sopcIndex && message && message.type === QUERY && typeof message.data === "string") {
      answer(this, { type: RESULT, data: this.sopcIndex.search(message.data) });
      return;
    }
    return post.apply(this, arguments);
  };
  answering.sopcAnswersSearch = true;
  window.Worker.prototype.postMessage = answering;
})();
