/* reachgraph explorer: search an entity, draw its neighbourhood, ask what a jurisdiction's
 * law reaches on a day and why. Calls the API's own GET routes (docs/api.md); no build step.
 *
 * The state lives in the address's fragment (#entity=skype&depth=1&jurisdiction=BE&as_of=…),
 * so every view can be linked to and the browser's back button steps back through it.
 */
"use strict";

(() => {
  // ---------------------------------------------------------------- small helpers

  /** An element with attributes (`on*` functions become listeners) and children. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") {
        el.addEventListener(name.slice(2), value);
      } else if (name === "dataset") {
        Object.assign(el.dataset, value);
      } else {
        el.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const $ = (id) => document.getElementById(id);

  class ApiError extends Error {}

  /** GET an API path; a problem+json answer becomes an ApiError saying title and detail. */
  async function api(path) {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: "application/json" } });
    } catch (error) {
      throw new ApiError(`The API cannot be reached (${error.message}).`);
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const problem = await response.json();
        message = [problem.title, problem.detail].filter(Boolean).join(": ") || message;
      } catch (_) { /* not JSON */ }
      throw new ApiError(message);
    }
    return response.json();
  }

  /** Entities by key, each fetched once (GET /entities/{key}); null when there is none. */
  const entities = new Map();
  function entity(key) {
    if (!entities.has(key)) {
      entities.set(key, api(`/entities/${encodeURIComponent(key)}`).catch(() => null));
    }
    return entities.get(key);
  }

  /** Resolve many keys, a few requests at a time. */
  async function entitiesOf(keys) {
    const unique = [...new Set(keys)];
    const found = new Map();
    let next = 0;
    async function worker() {
      while (next < unique.length) {
        const key = unique[next++];
        found.set(key, await entity(key));
      }
    }
    await Promise.all(Array.from({ length: Math.min(6, unique.length) }, worker));
    return found;
  }

  function setStatus(el, text, isError = false) {
    el.textContent = text;
    el.classList.toggle("error", isError);
  }

  /** Only http(s) links are made from the data. */
  function safeUrl(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : null;
    } catch (_) {
      return null;
    }
  }

  function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  const words = (value) => String(value).toLowerCase().replaceAll("_", " ");

  // ---------------------------------------------------------------- state in the fragment

  function readState() {
    const params = new URLSearchParams(location.hash.slice(1));
    return {
      entity: params.get("entity") || "",
      depth: params.get("depth") || "1",
      jurisdiction: params.get("jurisdiction") || "",
      as_of: params.get("as_of") || "",
      known_on: params.get("known_on") || "",
    };
  }

  function fragment(changes) {
    const state = { ...readState(), ...changes };
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(state)) {
      if (value && !(name === "depth" && value === "1")) params.set(name, value);
    }
    return `#${params}`;
  }

  function go(changes) {
    const target = fragment(changes);
    if (target === location.hash || (target === "#" && !location.hash)) render();
    else location.hash = target;
  }

  /** A link that opens an entity in the graph, keeping the rest of the view. */
  function entityLink(key, text) {
    return h("a", {
      href: fragment({ entity: key }),
      class: "entity-link",
      dataset: { key },
    }, text || key);
  }

  // ---------------------------------------------------------------- kinds: colour and shape

  // Okabe–Ito colours where they go, and a shape per kind so colour is not the only cue.
  const KINDS = {
    Jurisdiction: ["#0072b2", "round-rectangle"],
    Company: ["#e69f00", "ellipse"],
    Service: ["#56b4e9", "diamond"],
    DataCenter: ["#7a7a7a", "barrel"],
    Data: ["#009e73", "hexagon"],
    Authority: ["#cc79a7", "triangle"],
    Law: ["#d55e00", "rectangle"],
    ReachRule: ["#e4d00a", "tag"],
    DataRequest: ["#8b5a9f", "vee"],
    Proceeding: ["#5b6abf", "octagon"],
    Decision: ["#a8322d", "star"],
    Source: ["#b8b8b8", "round-triangle"],
  };
  const kindOf = (kind) => KINDS[kind] || ["#666666", "ellipse"];

  // ---------------------------------------------------------------- schema sentences

  let schemaPromise = null;
  function relationshipSentences() {
    schemaPromise ||= api("/schema")
      .then((schema) => new Map(schema.relationships.map((r) => [r.name, r.sentence])))
      .catch(() => new Map());
    return schemaPromise;
  }

  /** "Skype is offered in Belgium since 2012-09-01", as parts (names become links). */
  function sentenceParts(rel, names, templates) {
    const template = templates.get(rel.type) || `{start} ${words(rel.type)} {end}`;
    const parts = [];
    for (const piece of template.split(/(\{[a-z_]+\})/)) {
      const field = piece.match(/^\{([a-z_]+)\}$/);
      if (!field) {
        if (piece) parts.push(piece);
      } else if (field[1] === "start" || field[1] === "end") {
        const key = rel[field[1]];
        parts.push(entityLink(key, names.get(key) || key));
      } else {
        parts.push(words(rel.properties[field[1]] ?? field[1]));
      }
    }
    const { valid_from: from, valid_until: until } = rel.properties;
    const atLeast = rel.properties.valid_from_at_least ? "at least " : "";
    if (from && until) parts.push(` from ${atLeast}${from} until ${until}`);
    else if (from) parts.push(` ${atLeast}since ${from}`);
    else if (until) parts.push(` until ${until}`);
    return parts;
  }

  // ---------------------------------------------------------------- search

  async function search(query) {
    const list = $("search-results");
    const status = $("search-status");
    list.replaceChildren();
    setStatus(status, "Searching…");
    try {
      const found = await api(`/search?q=${encodeURIComponent(query)}&limit=30`);
      if (!found.items.length) {
        setStatus(status, `Nothing matches “${query}”.`);
        return;
      }
      const more = found.truncated ? " (the first ones; be more precise to see others)" : "";
      setStatus(status, `${found.items.length} found${more}. Open one to see its neighbourhood.`);
      for (const hit of found.items) {
        const [colour] = kindOf(hit.kind);
        list.append(h("li", {},
          h("a", { href: fragment({ entity: hit.key }), class: "hit", dataset: { key: hit.key } },
            h("span", { class: "swatch", style: `background:${colour}`, "aria-hidden": "true" }),
            h("span", { class: "hit-name" }, hit.name),
            h("span", { class: "hit-kind" }, hit.kind))));
      }
    } catch (error) {
      setStatus(status, error.message, true);
    }
  }

  // ---------------------------------------------------------------- neighbourhood graph

  let cy = null;
  let shown = { key: null, depth: null };

  function graphStyle() {
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          shape: "data(shape)",
          width: 26,
          height: 26,
          "border-width": 1,
          "border-color": "#ffffff",
          label: "data(label)",
          "font-family": "Helvetica Neue, Helvetica, Arial, sans-serif",
          "font-size": 12,
          color: "#1d2433",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-wrap": "wrap",
          "text-max-width": 140,
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.8,
          "text-background-padding": 1,
        },
      },
      {
        selector: "node.centre",
        style: {
          width: 38,
          height: 38,
          "border-width": 3,
          "border-color": "#1d2433",
          "font-size": 14,
          "font-weight": "bold",
        },
      },
      {
        selector: "edge",
        style: {
          width: 1.5,
          "line-color": "#9aa3b5",
          "target-arrow-color": "#9aa3b5",
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "curve-style": "bezier",
          label: "data(label)",
          "font-size": 10,
          color: "#4a5468",
          "text-rotation": "autorotate",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": 1,
        },
      },
      { selector: "node:active, node.hover", style: { "overlay-opacity": 0.12 } },
    ];
  }

  /** Steps from the centre, for the rings of the layout. */
  function distances(centre, relationships) {
    const next = new Map();
    for (const r of relationships) {
      if (!next.has(r.start)) next.set(r.start, []);
      if (!next.has(r.end)) next.set(r.end, []);
      next.get(r.start).push(r.end);
      next.get(r.end).push(r.start);
    }
    const steps = new Map([[centre, 0]]);
    const queue = [centre];
    while (queue.length) {
      const key = queue.shift();
      for (const other of next.get(key) || []) {
        if (!steps.has(other)) {
          steps.set(other, steps.get(key) + 1);
          queue.push(other);
        }
      }
    }
    return steps;
  }

  /** Rings around the centre, one per step; each ring ordered by the angles of the nodes
   * it hangs from, so that few edges cross. */
  function ringPositions(centre, nodes, relationships, steps) {
    const neighbours = new Map(nodes.map((n) => [n.key, []]));
    for (const r of relationships) {
      neighbours.get(r.start)?.push(r.end);
      neighbours.get(r.end)?.push(r.start);
    }
    const rings = [];
    for (const n of nodes) {
      const step = steps.get(n.key) ?? rings.length;
      (rings[step] ||= []).push(n.key);
    }
    const angle = new Map([[centre, 0]]);
    const positions = { [centre]: { x: 0, y: 0 } };
    let radius = 0;
    rings.forEach((ring, step) => {
      if (!step || !ring) return;
      const inner = (key) => neighbours.get(key).filter((k) => steps.get(k) === step - 1);
      const parentAngle = (key) => {
        const from = inner(key).map((k) => angle.get(k)).filter((a) => a !== undefined);
        return from.length ? from.reduce((a, b) => a + b, 0) / from.length : 0;
      };
      if (step > 1) ring.sort((a, b) => parentAngle(a) - parentAngle(b));
      radius = Math.max(radius + 190, (ring.length * 120) / (2 * Math.PI));
      const offset = step > 1 ? parentAngle(ring[0]) : -Math.PI / 2;
      ring.forEach((key, i) => {
        const a = offset + (2 * Math.PI * i) / ring.length;
        angle.set(key, a);
        positions[key] = { x: radius * Math.cos(a) * 1.3, y: radius * Math.sin(a) * 0.8 };
      });
    });
    return positions;
  }

  function drawGraph(hood) {
    const steps = distances(hood.key, hood.relationships);
    const positions = ringPositions(hood.key, hood.nodes, hood.relationships, steps);
    const label = (name) => (name.length > 48 ? `${name.slice(0, 46)}…` : name);
    const elements = [
      ...hood.nodes.map((n) => {
        const [colour, shape] = kindOf(n.kind);
        return {
          group: "nodes",
          data: { id: n.key, label: label(n.name), kind: n.kind, colour, shape },
          position: positions[n.key],
          classes: n.key === hood.key ? "centre" : "",
        };
      }),
      ...hood.relationships.map((r, i) => ({
        group: "edges",
        data: { id: `e${i}`, source: r.start, target: r.end, label: words(r.type) },
      })),
    ];
    if (cy) cy.destroy();
    cy = cytoscape({
      container: $("graph"),
      elements,
      style: graphStyle(),
      layout: { name: "preset", fit: true, padding: 40 },
      minZoom: 0.2,
      maxZoom: 3,
    });
    // A small neighbourhood would be blown up to fill the frame: keep its text at size.
    if (cy.zoom() > 1.1) {
      cy.zoom(1.1);
      cy.center();
    }
    cy.on("tap", "node", (event) => {
      const key = event.target.id();
      if (key !== shown.key) go({ entity: key });
    });
    const container = $("graph");
    cy.on("mouseover", "node", (event) => {
      event.target.addClass("hover");
      container.style.cursor = "pointer";
    });
    cy.on("mouseout", "node", (event) => {
      event.target.removeClass("hover");
      container.style.cursor = "";
    });
    const kinds = [...new Set(hood.nodes.map((n) => n.kind))];
    $("legend").replaceChildren(...kinds.map((kind) => h("li", {},
      h("span", { class: "swatch", style: `background:${kindOf(kind)[0]}`, "aria-hidden": "true" }),
      kind)));
  }

  async function showEntity(key, depth) {
    const status = $("graph-status");
    if (shown.key === key && shown.depth === depth) return;
    setStatus(status, "Loading…");
    try {
      const [hood, item, templates] = await Promise.all([
        api(`/entities/${encodeURIComponent(key)}/neighbourhood?depth=${depth}&limit=150`),
        api(`/entities/${encodeURIComponent(key)}`),
        relationshipSentences(),
      ]);
      entities.set(key, Promise.resolve(item));
      shown = { key, depth };
      drawGraph(hood);
      const others = hood.nodes.length - 1;
      const cut = hood.truncated ? " (not all: the neighbourhood is larger)" : "";
      setStatus(status,
        `${item.name}: ${others} ${others === 1 ? "entity" : "entities"} within ${depth} ` +
        `${depth === "1" ? "step" : "steps"}${cut}. Click a node to recentre on it.`);
      $("graph").setAttribute("aria-label",
        `Graph of the neighbourhood of ${item.name}; its connections are listed as text ` +
        "under Connections.");
      renderEntity(item, hood, templates);
    } catch (error) {
      setStatus(status, error.message, true);
    }
  }

  function renderEntity(item, hood, templates) {
    const names = new Map(hood.nodes.map((n) => [n.key, n.name]));
    $("entity").hidden = false;
    $("entity-title").textContent = item.name;
    const [colour] = kindOf(item.kind);
    $("entity-meta").replaceChildren(
      h("span", { class: "swatch", style: `background:${colour}`, "aria-hidden": "true" }),
      `${item.kind} · `, h("code", {}, item.key));
    const { description, ...rest } = item.properties;
    $("entity-description").textContent = description || "";
    $("entity-properties").replaceChildren(...Object.entries(rest)
      .filter(([, v]) => v !== null && v !== "" && !(Array.isArray(v) && !v.length))
      .flatMap(([name, value]) => [
        h("dt", {}, words(name)),
        h("dd", {}, Array.isArray(value) ? value.join(", ") : String(value)),
      ]));
    $("entity-ask").replaceChildren(item.kind === "Jurisdiction"
      ? h("button", { type: "button", class: "secondary", onclick: () => {
        const state = readState();
        go({ jurisdiction: item.key, as_of: state.as_of || $("reach-as-of").value || today() });
      } }, `What does the law of ${item.name} reach?`)
      : "");
    const touching = hood.relationships.filter((r) => r.start === item.key || r.end === item.key);
    $("entity-connections").replaceChildren(...(touching.length
      ? touching.map((r) => h("li", {}, sentenceParts(r, names, templates)))
      : [h("li", { class: "muted" }, "none")]));
    $("entity-sources").replaceChildren(...(item.sources.length
      ? item.sources.map((s) => sourceItem(s))
      : [h("li", { class: "muted" }, "none")]));
  }

  // ---------------------------------------------------------------- sources

  /** A Source ({key, title, publisher, date, url}) as a list item with its link. */
  function sourceItem(source, id) {
    const url = source.url && safeUrl(source.url);
    const title = source.title || source.key;
    const about = [source.publisher, source.date].filter(Boolean).join(", ");
    return h("li", { id, class: "source", dataset: { key: source.key } },
      url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, title)
        : h("span", {}, title),
      about ? h("span", { class: "muted" }, ` — ${about}`) : null);
  }

  /** The Source behind a key, from GET /entities/{key}, or the key alone. */
  function asSource(key, node) {
    if (!node) return { key };
    const p = node.properties || {};
    return { key, title: p.title || node.name, publisher: p.publisher, date: p.date, url: p.url };
  }

  // ---------------------------------------------------------------- reach

  let jurisdictionsLoaded = null;
  function loadJurisdictions() {
    jurisdictionsLoaded ||= api("/entities?kind=Jurisdiction&limit=500").then((page) => {
      const select = $("reach-jurisdiction");
      const items = [...page.items].sort((a, b) => a.name.localeCompare(b.name));
      select.append(...items.map((j) => h("option", { value: j.key }, `${j.name} (${j.key})`)));
    }).catch((error) => setStatus($("reach-status"), error.message, true));
    return jurisdictionsLoaded;
  }

  let asked = "";

  /** Split "… [src-a, src-b]" into the sentence and its source keys. */
  function splitSentence(sentence) {
    const found = sentence.match(/^(.*?)\s*\[([^\]]*)\]\s*$/);
    if (!found) return [sentence, []];
    return [found[1], found[2].split(",").map((s) => s.trim()).filter(Boolean)];
  }

  async function ask(state) {
    const query = new URLSearchParams({ jurisdiction: state.jurisdiction, as_of: state.as_of });
    if (state.known_on) query.set("known_on", state.known_on);
    if (query.toString() === asked) return;
    asked = query.toString();
    const status = $("reach-status");
    const out = $("reach-answers");
    out.replaceChildren();
    setStatus(status, "Asking…");
    try {
      const answers = await api(`/questions/reach?${query}`);
      const keys = [];
      for (const a of answers) {
        keys.push(a.rule, a.law, a.decided_by);
        for (const path of a.paths) {
          keys.push(...path.sources);
          for (const step of path.steps) keys.push(...step.sources);
        }
      }
      keys.push(state.jurisdiction);
      const found = await entitiesOf(keys);
      if (query.toString() !== asked) return; // a newer question was asked meanwhile
      const place = found.get(state.jurisdiction)?.name || state.jurisdiction;
      const known = state.known_on ? `, as known on ${state.known_on}` : "";
      // Answers before the first evidence of a fact on their paths are listed apart.
      const sure = answers.filter((a) => !a.unconfirmed);
      const unsure = answers.filter((a) => a.unconfirmed);
      const groups = new Map();
      for (const a of sure) {
        if (!groups.has(a.data)) groups.set(a.data, []);
        groups.get(a.data).push(a);
      }
      setStatus(status, !sure.length
        ? `On ${state.as_of}${known}, the graph shows no data that the law of ${place} reaches.`
        : `On ${state.as_of}${known}, the law of ${place} reaches ` +
          `${groups.size} ${groups.size === 1 ? "data set" : "data sets"} ` +
          `(${sure.length} ${sure.length === 1 ? "answer" : "answers"}, one per rule and ` +
          "law). Open an answer to see why and who says so.");
      let n = 0;
      for (const [data, group] of groups) {
        const first = group[0];
        out.append(h("section", { class: "data-group", dataset: { data } },
          h("h3", {}, entityLink(data, first.data_name)),
          group.map((a) => renderAnswer(a, found, `answer-${n++}`))));
      }
      if (unsure.length) {
        out.append(h("section", { class: "unconfirmed" },
          h("h3", {}, "Unconfirmed on this day"),
          h("p", {}, "These may hold on the day, but a fact on their paths is evidenced only " +
            "from a later day: its step says “at least since”."),
          unsure.map((a) => renderAnswer(a, found, `answer-${n++}`))));
      }
    } catch (error) {
      asked = "";
      setStatus(status, error.message, true);
    }
  }

  /** Over which days the answer holds: "at least since" where a fact on the way is
   *  evidenced only from its first source. */
  function holds(a) {
    if (a.unconfirmed) return `unconfirmed: no source shows it before ${a.valid_until}`;
    const since = a.valid_from ? `${a.valid_from_at_least ? "at least since" : "since"} ` +
      a.valid_from : "";
    const until = a.valid_until ? `until ${a.valid_until}` : "";
    return [since, until].filter(Boolean).join(" ") || "on every day recorded";
  }

  function renderAnswer(a, found, id) {
    const rule = found.get(a.rule);
    const law = found.get(a.law);
    const sourceKeys = [];
    for (const path of a.paths) {
      for (const key of path.sources) if (!sourceKeys.includes(key)) sourceKeys.push(key);
      for (const step of path.steps) {
        for (const key of step.sources) if (!sourceKeys.includes(key)) sourceKeys.push(key);
      }
    }
    const bases = a.bases.join(" + ");
    const decided = found.get(a.decided_by);
    const number = new Map(sourceKeys.map((key, i) => [key, i + 1]));
    const cite = (key) => h("a", {
      href: `#${id}-source-${number.get(key)}`,
      class: "cite",
      title: asSource(key, found.get(key)).title || key,
      onclick: (event) => {
        event.preventDefault();  // the fragment holds the view's state: scroll instead
        document.getElementById(`${id}-source-${number.get(key)}`)
          ?.scrollIntoView({ block: "nearest", behavior: "smooth" });
      },
    }, `[${number.get(key)}]`);
    return h("details", {
      class: "answer",
      id,
      dataset: { data: a.data, basis: bases, rule: a.rule, law: a.law, standing: a.standing },
    },
    h("summary", {},
      h("span", { class: "basis", title: "bases" }, bases),
      h("span", { class: "standing", title: "standing on the day" }, a.standing),
      h("span", { class: "rule" }, rule ? rule.name : a.rule),
      h("span", { class: "law" }, "under ", h("cite", {}, a.citation || (law ? law.name : a.law)),
        a.law_of ? ` (${a.law_of})` : "")),
    h("div", { class: "answer-body" },
      h("dl", { class: "props" },
        h("dt", {}, "data"), h("dd", {}, entityLink(a.data, a.data_name)),
        h("dt", {}, "bases"), h("dd", {}, h("code", {}, bases)),
        h("dt", {}, "categories"), h("dd", { class: "categories" },
          words(a.categories.join(", ")),
          a.categories_not_reached.length
            ? ` (not ${words(a.categories_not_reached.join(", "))})` : null),
        h("dt", {}, "standing"), h("dd", { class: "standing" }, `${a.standing} by `,
          entityLink(a.decided_by, decided ? decided.name : a.decided_by),
          a.decided_on ? ` on ${a.decided_on}` : null),
        h("dt", {}, "holds"), h("dd", { class: "holds" }, holds(a)),
        h("dt", {}, "rule"), h("dd", {}, entityLink(a.rule, rule ? rule.name : a.rule)),
        h("dt", {}, "law"), h("dd", {}, entityLink(a.law, law ? law.name : a.law),
          a.citation ? [" — ", h("cite", {}, a.citation)] : null)),
      h("h4", {}, "Why"),
      a.paths.map((path) => h("ol", { class: "why" }, path.steps.map((step) => {
        const [text, keys] = splitSentence(step.sentence);
        return h("li", { class: "step", dataset: { type: step.type } },
          h("span", { class: "sentence" }, text), " ", keys.map(cite));
      }))),
      h("h4", {}, "Sources"),
      h("ol", { class: "sources" },
        sourceKeys.map((key) => sourceItem(asSource(key, found.get(key)),
          `${id}-source-${number.get(key)}`)))));
  }

  // ---------------------------------------------------------------- wiring

  function render() {
    const state = readState();
    $("depth").value = ["1", "2", "3"].includes(state.depth) ? state.depth : "1";
    if (state.entity) showEntity(state.entity, $("depth").value);
    loadJurisdictions().then(() => {
      if (state.jurisdiction) $("reach-jurisdiction").value = state.jurisdiction;
      $("reach-as-of").value = state.as_of || $("reach-as-of").value || today();
      $("reach-known-on").value = state.known_on;
      if (state.jurisdiction && state.as_of) ask(state);
    });
  }

  // For the console and the end-to-end test: the graph as drawn.
  window.reachgraphExplorer = { get graph() { return cy; } };

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof cytoscape !== "function") {
      setStatus($("graph-status"), "cytoscape.js did not load (api/explorer/vendor/).", true);
    }
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const query = $("search-q").value.trim();
      if (query) search(query);
    });
    $("depth").addEventListener("change", () => go({ depth: $("depth").value }));
    $("reach-form").addEventListener("submit", (event) => {
      event.preventDefault();
      go({
        jurisdiction: $("reach-jurisdiction").value,
        as_of: $("reach-as-of").value,
        known_on: $("reach-known-on").value,
      });
    });
    // Entity links keep the rest of the view as it is now, not as it was when drawn.
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-key]");
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      go({ entity: link.dataset.key });
      if (link.closest("#reach")) $("neighbourhood").scrollIntoView({ behavior: "smooth" });
    });
    window.addEventListener("hashchange", render);
    render();
  });
})();
