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
        "font-size": 11,
        "text-wrap": "wrap",
        "text-max-width": 150,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 2
      },
      base
    );
  }

  function drawTree(container, elements) {
    return window.cytoscape({
      container: container,
      elements: elements,
      autoungrabify: true,
      boxSelectionEnabled: false,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: label({ "text-valign": "bottom", "text-margin-y": 3 }) },
        {
          selector: "node[kind = 'bearer']",
          style: {
            shape: "round-rectangle", width: 170, height: 34, "background-color": INK,
            color: "#ffffff", "text-valign": "center", "text-margin-y": 0,
            "text-background-opacity": 0, "font-weight": "bold"
          }
        },
        {
          selector: "node[kind = 'unit']",
          style: {
            shape: "round-rectangle", width: 170, height: 40, "background-color": "#e8eef5",
            "border-width": 1, "border-color": "#23405a", "text-valign": "center",
            "text-margin-y": 0, "text-background-opacity": 0, "text-max-width": 160
          }
        },
        {
          selector: "node[kind = 'commander']",
          style: { width: 16, height: 16, "background-color": "#1f3f5f", "font-weight": "bold" }
        },
        {
          selector: "node[kind = 'person']",
          style: { width: 12, height: 12, "background-color": "#9fbbd6",
                   "border-width": 1, "border-color": "#33414f" }
        },
        {
          selector: "edge",
          style: { width: 1.5, "line-color": "#8a96a8", "curve-style": "taxi",
                   "taxi-direction": "downward" }
        }
      ],
      layout: { name: "breadthfirst", directed: true, roots: "#b", spacingFactor: 1.1,
                padding: 12, animate: false }
    });
  }

  function drawNetwork(container, elements) {
    return window.cytoscape({
      container: container,
      elements: elements,
      boxSelectionEnabled: false,
      wheelSensitivity: 0.3,
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
                   "font-weight": "bold", "font-size": 12 }
        },
        { selector: "node.focused", style: { "border-width": 4, "border-color": "#f0b429" } },
        {
          selector: "edge",
          style: { width: "mapData(weight, 1, 3, 1, 4)", "line-color": "#9aa5b5",
                   "curve-style": "haystack", opacity: 0.8 }
        }
      ],
      layout: {
        name: "concentric", concentric: function (node) { return node.data("score"); },
        levelWidth: function () { return 0.2; }, minNodeSpacing: 28, padding: 16,
        animate: false
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
