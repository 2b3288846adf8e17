(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pharmakg-data").textContent);
  var refs = {};
  data.references.forEach(function (r) { refs[r.number] = r; });
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: data.elements,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.1, maxZoom: 4,
    style: [
      { selector: "node.entity", style: {
        "shape": "data(shape)", "background-color": "data(fill)", "min-zoomed-font-size": 4, "border-color": "data(border)",
        "border-width": 2, "label": "data(label)", "text-wrap": "wrap", "text-max-width": 150,
        "text-valign": "center", "text-halign": "center", "font-size": 12, "color": "data(text)",
        "width": 176, "height": 52, "padding": 4 } },
      { selector: "node.stage", style: {
        "shape": "round-rectangle", "background-opacity": 0, "border-width": 0, "label": "data(label)",
        "font-size": 15, "font-weight": "bold", "color": "#566573", "text-valign": "center",
        "width": 176, "height": 24, "events": "no" } },
      { selector: "node.approved", style: { "border-color": "@APPROVED@", "border-width": 4 } },
      { selector: "node.off-label", style: { "border-color": "@OFFLABEL@", "border-width": 3, "border-style": "dashed" } },
      { selector: "node.negated", style: { "border-color": "@NEGATIVE@", "border-style": "dashed", "color": "@NEGATIVE@" } },
      { selector: "edge", style: {
        "curve-style": "bezier", "width": 1.5, "line-color": "#99a3a4", "target-arrow-color": "#99a3a4",
        "target-arrow-shape": "triangle", "arrow-scale": 1, "label": "data(label)", "font-size": 9,
        "color": "#424949", "text-rotation": "autorotate", "text-background-color": "#ffffff",
        "text-background-opacity": 0.85, "text-background-padding": 1, "min-zoomed-font-size": 7 } },
      { selector: "edge.inhibiting", style: { "target-arrow-shape": "tee", "line-color": "#a04000", "target-arrow-color": "#a04000" } },
      { selector: "edge.negated", style: { "line-style": "dashed", "line-color": "@NEGATIVE@", "target-arrow-color": "@NEGATIVE@", "target-arrow-shape": "tee", "color": "@NEGATIVE@", "width": 2 } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: ".highlighted", style: { "opacity": 1 } },
      { selector: "edge.highlighted", style: { "width": 3, "line-color": "#1f618d", "target-arrow-color": "#1f618d" } },
      { selector: ":selected", style: { "overlay-color": "#2e86c1", "overlay-opacity": 0.25, "overlay-padding": 6 } }
    ]
  });
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
  [["statement", "#99a3a4", "solid"], ["lowers", "#a04000", "solid"], ["does not (negative)", "@NEGATIVE@", "dashed"]].forEach(function (s) {
    var span = el("span");
    var line = el("span", null, { "class": "line" });
    line.style.borderTopColor = s[1]; line.style.borderTopStyle = s[2];
    span.appendChild(line); span.appendChild(document.createTextNode(s[0]));
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
    if (edge.data("statement")) { box.appendChild(el("blockquote", edge.data("statement"))); }
    box.appendChild(el("h3", "Citations"));
    var citations = el("div", null, { id: "citations" });
    citationList(edge.data("citations"), citations);
    box.appendChild(citations);
  }
  cy.on("tap", "node.entity", function (evt) { showNode(evt.target); });
  cy.on("tap", "edge", function (evt) { showEdge(evt.target); });

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
    cy.elements().not(path).not(".stage").addClass("faded");
    path.addClass("highlighted");
  });
  document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 30); });
  document.getElementById("export").addEventListener("click", function () {
    var a = el("a", null, { href: cy.png({ full: true, scale: 2, bg: "#ffffff" }), download: data.slug + "-pathway.png" });
    document.body.appendChild(a); a.click(); a.remove();
  });
})();
