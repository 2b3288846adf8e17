(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pharmakg-data").textContent);
  // The graph is drawn once the embedded font (the one the layout measured) is loaded: the
  // canvas caches each label's size when it first draws it, so a label drawn in a fallback
  // font first would keep that font's width (seen on a loaded machine).
  var fonts = document.fonts ? Promise.all([
    document.fonts.load(data.fonts.node + "px pharmakg-sans"),
    document.fonts.load("600 " + data.fonts.node + "px pharmakg-sans")
  ]).then(function () { return document.fonts.check(data.fonts.node + "px pharmakg-sans"); })
    : Promise.resolve(false);
  window.pharmakgFonts = fonts.then(function (loaded) { start(); return loaded; });

  function start() {
    var refs = {};
    data.references.forEach(function (r) { refs[r.number] = r; });
    function el(tag, text, attrs) {
      var e = document.createElement(tag);
      if (text !== undefined && text !== null) { e.textContent = String(text); }
      Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      return e;
    }
    var FONT = "pharmakg-sans, sans-serif";
    var cy = cytoscape({
      container: document.getElementById("cy"),
      elements: data.elements,
      layout: { name: "preset", fit: false },
      minZoom: 0.1, maxZoom: 4,
      autoungrabify: true,
      style: [
        { selector: "node.entity", style: {
          "shape": "round-rectangle", "corner-radius": "data(corner)", "background-color": "data(fill)",
          "border-color": "data(border)", "border-width": 1.6, "label": "data(label)", "text-wrap": "wrap",
          "text-max-width": 1000, "text-valign": "center", "text-halign": "center", "font-family": FONT,
          "font-size": data.fonts.node, "font-weight": "data(weight)", "line-height": 1.25, "color": "data(text)",
          "width": "data(w)", "height": "data(h)", "min-zoomed-font-size": 5 } },
        { selector: "node.edge-label", style: {
          "shape": "round-rectangle", "background-color": "#ffffff", "border-width": 0, "label": "data(label)",
          "text-wrap": "wrap", "text-max-width": 1000, "text-valign": "center", "text-halign": "center",
          "font-family": FONT, "font-size": data.fonts.label, "line-height": 1.25, "color": "data(colour)",
          "width": "data(w)", "height": "data(h)", "min-zoomed-font-size": 6 } },
        { selector: "node.stage", style: {
          "shape": "round-rectangle", "background-opacity": 0, "border-width": 0, "label": "data(label)",
          "font-family": FONT, "font-size": 15, "font-weight": 600, "color": "#566573", "text-valign": "center",
          "width": 10, "height": 10, "events": "no" } },
        { selector: "node.approved", style: { "border-color": "@APPROVED@", "border-width": 3.2 } },
        { selector: "node.off-label", style: { "border-color": "@OFFLABEL@", "border-width": 2.2, "border-style": "dashed" } },
        { selector: "node.negated", style: { "border-color": "@NEGATIVE@", "border-style": "dashed" } },
        { selector: "edge", style: {
          "curve-style": "segments", "edge-distances": "node-position", "width": 1.5,
          "line-color": "data(colour)", "target-arrow-color": "data(colour)", "line-style": "data(lineStyle)",
          "target-arrow-shape": "data(head)", "arrow-scale": 0.9 } },
        { selector: "edge.interpreted", style: { "line-dash-pattern": [2, 3] } },
        { selector: "edge.negated", style: { "line-dash-pattern": [6, 4] } },
        { selector: ".faded", style: { "opacity": 0.12 } },
        { selector: ".highlighted", style: { "opacity": 1 } },
        { selector: "edge.highlighted", style: { "width": 3, "line-color": "#1f618d", "target-arrow-color": "#1f618d" } },
        { selector: "edge.hover", style: { "width": 3, "line-color": "#1f618d", "target-arrow-color": "#1f618d", "z-index": 9 } },
        { selector: "node.edge-label.hover", style: { "border-width": 1.5, "border-color": "#1f618d", "min-zoomed-font-size": 0 } },
        { selector: ":selected", style: { "overlay-color": "#2e86c1", "overlay-opacity": 0.25, "overlay-padding": 6 } }
      ]
    });
    // Each edge follows the route laid out in Python: its segment points and its two ends.
    cy.batch(function () {
      cy.edges().forEach(function (edge) {
        var weights = edge.data("weights");
        var style = { "source-endpoint": edge.data("sourceEnd"), "target-endpoint": edge.data("targetEnd") };
        if (weights.length) {
          style["segment-weights"] = weights.join(" ");
          style["segment-distances"] = edge.data("distances").join(" ");
        } else {
          style["curve-style"] = "straight";
        }
        edge.style(style);
      });
    });
    // Labels readable at the default zoom: the whole picture when it fits at 90 %, else 90 %
    // from the drug's side, from the top (the Fit button shows everything; hovering an arrow
    // or its label names its statements).
    var READABLE = 0.9;
    function defaultView() {
      cy.fit(undefined, 20);
      if (cy.zoom() < READABLE) {
        cy.zoom(READABLE);
        var bb = cy.elements().boundingBox();
        var y = Math.max(20, (cy.height() - bb.h * READABLE) / 2);
        cy.pan({ x: 20 - bb.x1 * READABLE, y: y - bb.y1 * READABLE });
      }
    }
    defaultView();
    window.pharmakgGraph = cy;

    var legend = document.getElementById("legend");
    data.legend.forEach(function (item) {
      var span = el("span");
      var sw = el("span", null, { "class": "swatch" });
      sw.style.background = item.fill; sw.style.borderColor = item.border;
      span.appendChild(sw); span.appendChild(document.createTextNode(item.title));
      legend.appendChild(span);
    });
    [["FDA-approved", "@APPROVED@", "solid"], ["off-label", "@OFFLABEL@", "dashed"]].forEach(function (s) {
      var span = el("span");
      var sw = el("span", null, { "class": "swatch" });
      sw.style.borderColor = s[1]; sw.style.borderStyle = s[2]; sw.style.background = "#fadbd8";
      span.appendChild(sw); span.appendChild(document.createTextNode(s[0]));
      legend.appendChild(span);
    });
    data.edgeLegend.forEach(function (s) {
      var span = el("span");
      var line = el("span", null, { "class": "line" });
      line.style.borderTopColor = s.colour; line.style.borderTopStyle = s.style;
      span.appendChild(line); span.appendChild(document.createTextNode(s.title));
      legend.appendChild(span);
    });

    if (data.omitted > 0) {
      var notice = document.getElementById("notice");
      notice.textContent = "Showing the " + data.shown + " steps nearest the drug; " + data.omitted +
        " more are not drawn (limit " + data.maxNodes + ").";
      notice.hidden = false;
    }

    function citationList(numbers, parent) {
      if (!numbers.length) { parent.appendChild(el("p", "No citation printed in the monograph.", { "class": "muted" })); return; }
      var ul = el("ul");
      numbers.forEach(function (n) {
        var r = refs[n];
        var li = el("li", r ? r.label : "[" + n + "] (not in the reference list)");
        li.setAttribute("data-citation", String(n));
        ul.appendChild(li);
      });
      parent.appendChild(ul);
    }
    function statementText(edge) {
      return edge.source().data("name") + " \u2014 " + edge.data("label") + " \u2192 " + edge.target().data("name");
    }
    function showNode(node) {
      var box = document.getElementById("details");
      box.replaceChildren();
      box.appendChild(el("h2", node.data("name")));
      box.appendChild(el("div", node.data("categoryTitle") + " \u00b7 stage: " + node.data("stage"), { "class": "muted" }));
      if (node.data("negated")) { box.appendChild(el("p", "The monograph states that " + data.drugLabel + " does NOT do this.")); }
      if (node.data("status")) { box.appendChild(el("h3", "Approval status")); box.appendChild(el("p", node.data("status"))); }
      box.appendChild(el("h3", "Identifiers"));
      var ids = node.data("identifiers");
      if (!ids.length) { box.appendChild(el("p", "No standard identifier.", { "class": "muted" })); }
      else {
        var ul = el("ul");
        ids.forEach(function (i) {
          var li = el("li");
          var a = el("a", i.curie, { href: /^https?:\/\//.test(i.url) ? i.url : "#", target: "_blank", rel: "noopener noreferrer" });
          li.appendChild(a); ul.appendChild(li);
        });
        box.appendChild(ul);
      }
      box.appendChild(el("h3", "Evidence"));
      var numbers = {};
      var list = el("ul", null, { "class": "statements" });
      node.connectedEdges().forEach(function (edge) {
        var cites = edge.data("citations");
        cites.forEach(function (n) { numbers[n] = true; });
        list.appendChild(el("li", statementText(edge) + (cites.length ? " [" + cites.join(", ") + "]" : "")));
      });
      box.appendChild(list);
      box.appendChild(el("h3", "Citations"));
      var citations = el("div", null, { id: "citations" });
      citationList(Object.keys(numbers).map(Number).sort(function (a, b) { return a - b; }), citations);
      box.appendChild(citations);
    }
    function showEdge(edge) {
      var box = document.getElementById("details");
      box.replaceChildren();
      box.appendChild(el("h2", statementText(edge)));
      if (edge.data("negated")) { box.appendChild(el("p", "A negative statement: the monograph says this does not happen.")); }
      box.appendChild(el("h3", "Basis"));
      var basis = { stated: "Stated by the monograph.", interpreted: "A curator's interpretation, not a statement of the monograph.",
        inferred: "Inferred by the reasoner.", curated: "From a curated database." }[edge.data("basis")] || edge.data("basis");
      box.appendChild(el("p", basis, { "class": "basis" }));
      if (edge.data("reason")) { box.appendChild(el("p", "Reason: " + edge.data("reason"), { "class": "reason" })); }
      if (edge.data("qualifiers").length) {
        box.appendChild(el("h3", "Qualifiers"));
        var q = el("ul", null, { "class": "qualifiers" });
        edge.data("qualifiers").forEach(function (text) { q.appendChild(el("li", text)); });
        box.appendChild(q);
      }
      if (edge.data("statement")) { box.appendChild(el("h3", "The monograph's words")); box.appendChild(el("blockquote", edge.data("statement"))); }
      box.appendChild(el("h3", "Citations"));
      var citations = el("div", null, { id: "citations" });
      citationList(edge.data("citations"), citations);
      box.appendChild(citations);
    }
    cy.on("tap", "node.entity", function (evt) { showNode(evt.target); });
    cy.on("tap", "edge", function (evt) { showEdge(evt.target); });
    cy.on("tap", "node.edge-label", function (evt) { showEdge(cy.getElementById(evt.target.data("edges")[0])); });

    // Hover: an arrow or its label box lights up the edges it names and shows their statements.
    var tip = document.getElementById("tip");
    function edgesOf(target) {
      if (target.isEdge()) { return target.union(cy.getElementById(target.data("labelBox"))); }
      var named = cy.collection();
      target.data("edges").forEach(function (id) { named = named.union(cy.getElementById(id)); });
      return named.union(target);
    }
    cy.on("mouseover", "edge, node.edge-label", function (evt) {
      var lit = edgesOf(evt.target);
      lit.addClass("hover");
      tip.textContent = lit.edges().map(function (e) { return e.data("tooltip"); }).join("\n\n");
      var box = document.getElementById("cy").getBoundingClientRect();
      tip.hidden = false;
      var x = box.left + evt.renderedPosition.x + 14, y = box.top + evt.renderedPosition.y + 14;
      if (x + tip.offsetWidth > window.innerWidth) { x = Math.max(0, x - tip.offsetWidth - 28); }
      if (y + tip.offsetHeight > window.innerHeight) { y = Math.max(0, y - tip.offsetHeight - 28); }
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    });
    cy.on("mouseout", "edge, node.edge-label", function (evt) {
      edgesOf(evt.target).removeClass("hover");
      tip.hidden = true;
    });

    var select = document.getElementById("indication");
    cy.nodes("node[status]").sort(function (a, b) {
      return (a.data("status") + a.data("name")).localeCompare(b.data("status") + b.data("name"));
    }).forEach(function (n) {
      select.appendChild(el("option", n.data("name") + " (" + n.data("status") + ")", { value: n.id() }));
    });
    select.addEventListener("change", function () {
      cy.elements().removeClass("faded highlighted");
      if (!select.value) { return; }
      var disease = cy.getElementById(select.value);
      var drug = cy.getElementById(data.drug);
      var downstream = drug.successors().union(drug);
      var path = disease.predecessors().union(disease).intersection(downstream.union(drug));
      path = path.union(path.edgesWith(path).filter(function (e) { return !e.data("negated"); }));
      var labels = cy.nodes(".edge-label").filter(function (n) {
        return path.edges().some(function (e) { return e.data("labelBox") === n.id(); });
      });
      path = path.union(labels);
      cy.elements().not(path).not(".stage").addClass("faded");
      path.addClass("highlighted");
    });
    document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 20); });
    document.getElementById("export").addEventListener("click", function () {
      var a = el("a", null, { href: cy.png({ full: true, scale: 2, bg: "#ffffff" }), download: data.slug + "-pathway.png" });
      document.body.appendChild(a); a.click(); a.remove();
    });
  }
})();
