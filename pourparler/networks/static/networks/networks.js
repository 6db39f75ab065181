/* Draws the chain of command and the network of influence of the networks page with
   Cytoscape.js, from the JSON the page carries in json_script blocks. The same content
   is on the page as a list and a table: the pictures add nothing the text lacks. */
(function () {
  "use strict";

  var INK = "#1d2330";

  function read(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function label(base) {
    return Object.assign(
      {
        label: "data(label)",
        color: INK,
        "font-size": 12,
        "text-wrap": "wrap",
        "text-max-width": 150,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 2
      },
      base
    );
  }

  // The tree is laid out here, not by a general layout: depth runs left to right, each
  // leaf (a person, or a unit with nobody known) takes the next row down, and a unit
  // sits level with the middle of what hangs from it. No edge crosses another.
  var COLUMN = 250;
  var ROW = 32;

  function tidy(elements) {
    var children = {};
    var units = {};
    elements.forEach(function (element) {
      var data = element.data;
      if (data.kind === "unit" || data.kind === "bearer") { units[data.id] = true; }
      if (data.source) { (children[data.source] = children[data.source] || []).push(data.target); }
    });
    var positions = {};
    var row = 0;
    function place(id, depth) {
      var kids = children[id] || [];
      var y;
      if (kids.length === 0) {
        y = row * ROW;
        row += 1;
        // A person's dot sits where the units' boxes of its column begin.
        positions[id] = { x: depth * COLUMN - (units[id] ? 0 : 95), y: y };
        return y;
      } else {
        var ys = kids.map(function (kid) { return place(kid, depth + 1); });
        y = (ys[0] + ys[ys.length - 1]) / 2;
      }
      positions[id] = { x: depth * COLUMN, y: y };
      return y;
    }
    place("b", 0);
    return { positions: positions, rows: row };
  }

  function drawTree(container, elements) {
    var layout = tidy(elements);
    // As tall as the tree needs, within reason (the list beside it has everything).
    container.style.height = Math.max(220, Math.min(1100, layout.rows * ROW + 60)) + "px";
    return window.cytoscape({
      container: container,
      elements: elements,
      autoungrabify: true,
      boxSelectionEnabled: false,
      minZoom: 0.2,
      maxZoom: 1.25,
      style: [
        {
          selector: "node",
          style: label({ "text-halign": "right", "text-valign": "center", "text-margin-x": 5,
                         "font-size": 12, "text-max-width": 320, "text-justification": "left" })
        },
        {
          selector: "node[kind = 'bearer'], node[kind = 'unit']",
          style: {
            shape: "round-rectangle", width: 200, height: 30, "background-color": "#e8eef5",
            "border-width": 1, "border-color": "#23405a", "text-halign": "center",
            "text-margin-x": 0, "text-background-opacity": 0, "text-max-width": 194,
            "text-justification": "center", "font-size": 11
          }
        },
        {
          selector: "node[kind = 'bearer']",
          style: { "background-color": INK, color: "#ffffff", "font-weight": "bold" }
        },
        {
          selector: "node[kind = 'commander']",
          style: { width: 14, height: 14, "background-color": "#1f3f5f", "font-weight": "bold" }
        },
        {
          selector: "node[kind = 'person']",
          style: { width: 11, height: 11, "background-color": "#9fbbd6",
                   "border-width": 1, "border-color": "#33414f" }
        },
        {
          selector: "edge",
          style: { width: 1.5, "line-color": "#8a96a8", "curve-style": "taxi",
                   "taxi-direction": "rightward", "taxi-turn": 22, "taxi-turn-min-distance": 4 }
        }
      ],
      layout: {
        name: "preset", padding: 12, animate: false,
        positions: function (node) { return layout.positions[node.id()]; }
      }
    });
  }

  function drawNetwork(container, elements) {
    return window.cytoscape({
      container: container,
      elements: elements,
      boxSelectionEnabled: false,
      minZoom: 0.2,
      maxZoom: 1.5,
      style: [
        {
          selector: "node",
          style: label({
            width: "mapData(score, 0, 1, 14, 34)", height: "mapData(score, 0, 1, 14, 34)",
            "background-color": "#9fbbd6", "border-width": 1, "border-color": "#33414f",
            "text-valign": "bottom", "text-margin-y": 3
          })
        },
        { selector: "node[kind = 'outsider']", style: { shape: "diamond", "background-color": "#e7cf7a" } },
        {
          selector: "node[kind = 'staff']",
          style: { shape: "square", width: 14, height: 14, "background-color": "#6b7686" }
        },
        {
          selector: "node[?central]",
          style: { "background-color": "#c2410c", "border-width": 2, "border-color": "#5a1e00",
                   "font-weight": "bold", "font-size": 13 }
        },
        { selector: "node.focused", style: { "border-width": 4, "border-color": "#f0b429" } },
        {
          selector: "edge",
          style: { width: "mapData(weight, 1, 3, 1, 4)", "line-color": "#9aa5b5",
                   "curve-style": "haystack", opacity: 0.8 }
        }
      ],
      // Force-directed: people tied together are drawn together, a broker between
      // two circles lies between them; a strong tie is a shorter spring.
      layout: {
        name: "cose", animate: false, padding: 20, randomize: true, componentSpacing: 80,
        gravity: 8,
        nodeDimensionsIncludeLabels: true,
        nodeRepulsion: function () { return 16000; },
        idealEdgeLength: function (edge) { return 110 - 20 * edge.data("weight"); },
        nodeOverlap: 20
      }
    });
  }

  function follow(cy, table) {
    // A row focused or pointed at in the table marks its node in the picture.
    function mark(event, on) {
      var row = event.target.closest("tr[data-node]");
      if (!row) { return; }
      row.classList.toggle("focused", on);
      var node = cy.getElementById(row.getAttribute("data-node"));
      if (on) { node.addClass("focused"); } else { node.removeClass("focused"); }
    }
    table.addEventListener("focusin", function (e) { mark(e, true); });
    table.addEventListener("focusout", function (e) { mark(e, false); });
    table.addEventListener("mouseover", function (e) { mark(e, true); });
    table.addEventListener("mouseout", function (e) { mark(e, false); });
  }

  function start() {
    if (typeof window.cytoscape !== "function") { return; }
    var tree = document.getElementById("tree-picture");
    var treeData = read("tree-data");
    if (tree && treeData) { drawTree(tree, treeData); }
    var network = document.getElementById("network-picture");
    var networkData = read("network-data");
    if (network && networkData) {
      var cy = drawNetwork(network, networkData);
      var table = document.querySelector("table.network");
      if (table) { follow(cy, table); }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
