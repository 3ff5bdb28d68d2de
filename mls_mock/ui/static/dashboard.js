// The mls-mock dashboard's script: plain JavaScript, no library, no build step.
// The live traffic view polls GET /_mock/calls with a cursor; the controls call the admin API.
// The admin token lives in `adminToken` only: never in a cookie, localStorage or the URL.
"use strict";
(() => {
  const PREFIX = "/_mock/ui";
  const POLL_MS = 1000;
  const KEEP = 500; // calls the traffic view holds (newest)
  let adminToken = "";
  let stopView = null;

  function withToken(extra) {
    const headers = Object.assign({}, extra || {});
    if (adminToken) headers["X-Admin-Token"] = adminToken;
    return headers;
  }

  function announce(text, isError) {
    const region = document.getElementById("announce");
    region.textContent = text;
    region.classList.toggle("error-text", Boolean(isError));
  }

  async function admin(method, path, body) {
    const init = { method, headers: withToken(body === undefined ? {} : { "Content-Type": "application/json" }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(path, init);
    let payload = null;
    try { payload = await response.json(); } catch (ignored) { /* not JSON: reported below */ }
    if (!response.ok) throw new Error((payload && payload.error) || `${method} ${path}: HTTP ${response.status}`);
    return payload ? payload.results : null;
  }

  // With a token, pages are fetched (a link cannot send a header) and their <main> swapped in.
  async function navigate(url, push) {
    let response;
    try {
      response = await fetch(url, { headers: withToken() });
    } catch (error) {
      announce(`Could not load ${url}: ${error.message}`, true);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = page.querySelector("main");
    if (!main) {
      announce(`Could not load ${url}: HTTP ${response.status}`, true);
      return;
    }
    document.querySelector("main").replaceWith(main);
    const nav = page.querySelector("header nav");
    if (nav) document.querySelector("header nav").replaceWith(nav);
    document.title = page.title;
    if (push) history.pushState({}, "", url);
    start();
    document.querySelector("main").focus();
  }

  function dashboardLink(anchor) {
    return anchor && anchor.origin === location.origin && anchor.pathname.startsWith(PREFIX) &&
      !anchor.pathname.startsWith(`${PREFIX}/static/`);
  }

  document.addEventListener("click", (event) => {
    if (!adminToken || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const anchor = event.target.closest("a[href]");
    if (!dashboardLink(anchor)) return;
    event.preventDefault();
    navigate(anchor.href, true);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!adminToken || !form.matches("form.search")) return;
    event.preventDefault();
    const url = new URL(location.href);
    url.search = new URLSearchParams(new FormData(form)).toString();
    navigate(url.href, true);
  });

  window.addEventListener("popstate", () => {
    if (adminToken) navigate(location.href, false);
  });

  function bindTokenForm() {
    const form = document.getElementById("token-form");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      adminToken = document.getElementById("admin-token").value;
      announce(adminToken ? "Admin token in use (kept in this page's memory only)." : "No admin token in use.");
      if (form.dataset.required === "yes") navigate(location.href, false);
    });
  }

  // ---- traffic ---------------------------------------------------------------------------

  // `*` any run, `?` one character. Matched by walking both strings once per star, never with a
  // RegExp: `.*` per star backtracks, and a journaled 4,000-character path froze the tab for 20 s.
  function glob(pattern) {
    return {
      test(text) {
        let p = 0, t = 0, star = -1, resume = 0;
        while (t < text.length) {
          if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
            p++;
            t++;
          } else if (p < pattern.length && pattern[p] === "*") {
            star = p++;
            resume = t;
          } else if (star !== -1) {
            p = star + 1;
            t = ++resume;
          } else {
            return false;
          }
        }
        while (pattern[p] === "*") p++;
        return p === pattern.length;
      },
    };
  }

  function pretty(value, kept, size) {
    if (value !== null && value !== undefined) return JSON.stringify(value, null, 2);
    if (!size) return "(no body)";
    return kept ? `(${size} bytes, not JSON)` : `(${size} bytes, not kept)`;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function startTraffic(main) {
    const body = main.querySelector("#calls-body");
    const status = main.querySelector("#traffic-state");
    const form = main.querySelector("#traffic-filters");
    const pause = main.querySelector("#pause");
    const calls = []; // newest first
    const opened = new Set();
    let since = 0;
    let clears = null;
    let paused = false;
    let stopped = false;
    let timer = null;
    let drawn = false;

    function filter() {
      const method = main.querySelector("#f-method").value;
      const path = main.querySelector("#f-path").value.trim();
      const statusClass = main.querySelector("#f-status").value;
      const user = main.querySelector("#f-user").value.trim().toLowerCase();
      const pathRule = path ? glob(path) : null;
      return (call) => (!method || call.method === method) &&
        (!pathRule || pathRule.test(call.path)) &&
        (!statusClass || (statusClass === "error" ? call.status >= 400 : String(call.status)[0] === statusClass)) &&
        (!user || (call.user || "").toLowerCase().includes(user));
    }

    function details(call) {
      const row = element("tr", undefined, "details");
      const cell = element("td");
      cell.colSpan = 6;
      const query = new URLSearchParams();
      for (const [name, values] of Object.entries(call.query_all || {})) for (const value of values) query.append(name, value);
      const target = call.path + (query.toString() ? `?${query}` : "");
      const request = element("section");
      request.append(element("h3", `Request: ${call.method} ${target}`), element("pre", pretty(call.json, !call.body_truncated, call.body_bytes)));
      const response = element("section");
      response.append(element("h3", `Response: ${call.status}`), element("pre", pretty(call.response, !call.response_truncated, call.response_bytes)));
      cell.append(request, response);
      row.append(cell);
      return row;
    }

    function draw() {
      drawn = true;
      const keep = filter();
      const rows = [];
      let shown = 0;
      for (const call of calls) {
        if (!keep(call)) continue;
        shown += 1;
        const row = element("tr", undefined, call.status >= 400 ? "call failed" : "call");
        const toggle = element("button", `#${call.seq}`);
        toggle.type = "button";
        toggle.setAttribute("aria-expanded", opened.has(call.seq) ? "true" : "false");
        toggle.setAttribute("aria-label", `call ${call.seq}: show request and response`);
        toggle.addEventListener("click", () => {
          if (opened.has(call.seq)) opened.delete(call.seq); else opened.add(call.seq);
          draw();
          const again = body.querySelector(`button[data-seq="${call.seq}"]`);
          if (again) again.focus();
        });
        toggle.dataset.seq = call.seq;
        const first = element("td");
        first.append(toggle);
        const statusCell = element("td", String(call.status), "number");
        if (call.status >= 400) statusCell.append(element("span", " (error)", "visually-hidden"));
        row.append(first, element("td", call.method), element("td", call.path, "path"), statusCell,
          element("td", call.user === null ? "—" : call.user), element("td", `${call.body_bytes} / ${call.response_bytes}`, "number"));
        rows.push(row);
        if (opened.has(call.seq)) rows.push(details(call));
      }
      body.replaceChildren(...rows);
      const hidden = calls.length - shown;
      status.textContent = `${shown} call${shown === 1 ? "" : "s"} shown${hidden ? `, ${hidden} filtered out` : ""}` +
        (paused ? " · paused" : " · live");
    }

    async function poll() {
      timer = null;
      if (stopped) return;
      if (!paused) {
        try {
          const response = await fetch(`/_mock/calls?since=${since}&limit=${KEEP}`, { headers: withToken() });
          if (response.status === 401) {
            status.textContent = "The journal needs the admin token: type it above.";
          } else if (!response.ok) {
            status.textContent = `Could not read the journal: HTTP ${response.status}`;
          } else {
            const cleared = response.headers.get("X-Journal-Clears");
            const fresh = (await response.json()).results;
            if (clears !== null && cleared !== clears) { // emptied meanwhile: start again
              calls.length = 0;
              opened.clear();
              since = 0;
              clears = cleared;
              draw();
              schedule(0);
              return;
            }
            clears = cleared;
            if (fresh.length || !drawn) { // rows are rebuilt only when there is something new
              since = fresh.length ? fresh[fresh.length - 1].seq : since;
              for (const call of fresh) calls.unshift(call);
              if (calls.length > KEEP) calls.length = KEEP;
              draw();
            }
          }
        } catch (error) {
          status.textContent = "The fake does not answer; trying again.";
        }
      }
      schedule(POLL_MS);
    }

    function schedule(delay) {
      if (!stopped && timer === null) timer = setTimeout(poll, delay);
    }

    form.addEventListener("input", draw);
    form.addEventListener("change", draw);
    form.addEventListener("submit", (event) => event.preventDefault());
    pause.addEventListener("click", () => {
      paused = !paused;
      pause.textContent = paused ? "Resume" : "Pause";
      draw();
    });
    poll();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    };
  }

  // ---- controls ----------------------------------------------------------------------------

  function describeFault(fault) {
    const times = fault.times === null ? "every time" : `${fault.times} more`;
    const outcome = [];
    if (fault.raises) outcome.push(`raises ${fault.raises}`);
    else if (fault.status !== null) outcome.push(`→ ${fault.status}${fault.error ? ` “${fault.error}”` : ""}`);
    if (fault.delay) outcome.push(`delayed ${fault.delay} s`);
    return `#${fault.id} ${fault.method} ${fault.path} ${outcome.join(", ")}, ${times}`;
  }

  function startControls(main) {
    const list = main.querySelector("#fault-list");

    function faultItem(fault) {
      const item = element("li");
      item.dataset.faultId = fault.id;
      const remove = element("button", "Remove", "remove-fault");
      remove.type = "button";
      remove.dataset.faultId = fault.id;
      remove.setAttribute("aria-label", `Remove fault #${fault.id}`);
      item.append(element("span", describeFault(fault)), " ", remove);
      return item;
    }

    async function refreshFaults() {
      const faults = await admin("GET", "/_mock/faults");
      list.replaceChildren(...(faults.length ? faults.map(faultItem) : [element("li", "No faults waiting.", "muted")]));
    }

    function act(run) {
      return async (event) => {
        event.preventDefault();
        try {
          announce(await run());
        } catch (error) {
          announce(`Refused: ${error.message}`, true);
        }
      };
    }

    main.querySelector("#fault-form").addEventListener("submit", act(async () => {
      const value = (id) => main.querySelector(id).value.trim();
      const fault = { method: value("#fault-method"), path: value("#fault-path") };
      fault.status = value("#fault-status") === "" ? null : Number(value("#fault-status"));
      if (value("#fault-delay")) fault.delay = Number(value("#fault-delay"));
      fault.times = value("#fault-times") === "" ? null : Number(value("#fault-times"));
      if (value("#fault-error")) fault.error = value("#fault-error");
      const added = await admin("POST", "/_mock/faults", fault);
      await refreshFaults();
      return `Fault added: ${describeFault(added)}`;
    }));
    list.addEventListener("click", (event) => {
      const button = event.target.closest(".remove-fault");
      if (!button) return;
      act(async () => {
        const id = button.dataset.faultId;
        try {
          await admin("DELETE", `/_mock/faults/${encodeURIComponent(id)}`);
          return `Fault #${id} removed.`;
        } finally {
          await refreshFaults(); // also when it was used up meanwhile: the list shows what waits
        }
      })(event);
    });
    main.querySelector("#clear-faults").addEventListener("click", act(async () => {
      const cleared = await admin("DELETE", "/_mock/faults");
      await refreshFaults();
      return `Removed ${cleared.cleared} fault${cleared.cleared === 1 ? "" : "s"}.`;
    }));
    main.querySelector("#seed-form").addEventListener("submit", act(async () => {
      const name = main.querySelector("#seed-name").value;
      const seeded = await admin("POST", "/_mock/seed", { name });
      const added = Object.values(seeded.added).reduce((a, b) => a + b, 0);
      return `Seed set ${name} loaded: ${added} records added.`;
    }));
    main.querySelector("#reset").addEventListener("click", act(async () => {
      await admin("POST", "/_mock/reset");
      await refreshFaults();
      return "Reset: the store, the journal and the faults are empty.";
    }));
    main.querySelector("#clear-calls").addEventListener("click", act(async () => {
      const cleared = await admin("DELETE", "/_mock/calls");
      return `Journal cleared (${cleared.cleared} calls).`;
    }));
  }

  function start() {
    if (stopView) stopView();
    stopView = null;
    const main = document.querySelector("main");
    if (main.dataset.view === "traffic") stopView = startTraffic(main);
    else if (main.dataset.view === "controls") startControls(main);
  }

  bindTokenForm();
  start();
})();
