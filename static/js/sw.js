// The service worker of entry without a network (federation.api.offline, served at /sw.js). Small and
// hand-written: three rules, no build step. Pages come from the network first; a page the server marked
// "X-Offline: keep" is kept, and shown when the network is gone; an edit page ("X-Offline: edit": its
// form holds whole ID numbers, phones, birth dates) is never kept as it is, only as the masked copy the
// page's script (offline.js) makes; any other page then says, in Chinese, that it cannot open offline. Static files are kept as they are fetched. The person fields' search is
// answered from the kept roster. Nothing is kept after a wipe (offline.js), nor past the days without a
// successful sync that the page wrote down.
"use strict";
const CACHE = "federation-offline";
const META = "/offline/__meta";
const UNAVAILABLE = "/offline/unavailable/";
const ROSTER = "/offline/roster.json";
const PERSON_SEARCH = "/registry/autocomplete/persons/";
const HOUSEHOLD_SEARCH = "/registry/autocomplete/households/";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function expired(cache) {
  const meta = await cache.match(META);
  if (!meta) return false;
  const { lastSync, days } = await meta.json();
  return Boolean(lastSync) && Date.now() - lastSync > days * 86400000;
}

function notice(text) {
  const html = `<!doctype html><html lang="zh-hans"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>没有网络</title><body style="font-family:sans-serif;padding:1rem"><h1 style="font-size:1.2rem">没有网络</h1><p>${text}</p></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function page(request) {
  try {
    const response = await fetch(request);
    const kept = response.ok ? response.headers.get("X-Offline") : null;
    if (kept === "keep") await (await caches.open(CACHE)).put(request, response.clone());
    else if (kept === "edit" && (await caches.has(CACHE))) await (await caches.open(CACHE)).delete(request, { ignoreSearch: true });
    return response;
  } catch (error) {
    if (!(await caches.has(CACHE))) return notice("这一页没有保存在手机上，联网后再打开。");
    const cache = await caches.open(CACHE);
    if (await expired(cache)) {
      await caches.delete(CACHE);
      return notice("这部手机上的离线资料已超过规定天数没有同步，已经清除。请联网后重新登录。");
    }
    return (await cache.match(request, { ignoreSearch: true, ignoreVary: true })) || (await cache.match(UNAVAILABLE, { ignoreVary: true })) ||
      notice("这一页没有保存在手机上，联网后再打开。");
  }
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function roster() {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(ROSTER, { credentials: "same-origin" });
    if (response.ok && !response.redirected) {
      await cache.put(ROSTER, response.clone());
      return response;
    }
  } catch (error) { /* offline: the kept copy */ }
  return (await cache.match(ROSTER, { ignoreVary: true })) || new Response('{"households": []}', { headers: { "Content-Type": "application/json" } });
}

// The search of a person or household field, offline: from the kept roster, by name or the ID number's
// last four (a person) or the household's number or a member's name (a household).
async function search(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const url = new URL(request.url);
    const query = (url.searchParams.get("q") || "").trim();
    const sex = url.searchParams.get("sex");
    const cache = await caches.open(CACHE);
    const kept = await cache.match(ROSTER, { ignoreVary: true });
    const data = kept ? await kept.json() : { households: [] };
    const results = [];
    const households = url.pathname === HOUSEHOLD_SEARCH;
    for (const household of data.households) {
      if (households) {
        if (household.id && (!query || household.label.includes(query) || household.members.some((m) => m.name.includes(query)))) {
          const head = household.members[0] ? household.members[0].name : "";
          results.push({ value: String(household.id), text: `${household.village} ${household.label} ${head}`.trim() });
        }
        if (results.length >= 20) break;
        continue;
      }
      for (const person of household.members) {
        if (sex && person.sex !== sex) continue;
        if (query && !person.name.includes(query) && !person.id_number.endsWith(query)) continue;
        // The name typed whole first, then names that begin with it, then the others (李秀兰 before
        // 李秀兰的丈夫), each in the roster's order.
        const rank = !query || person.name === query ? 0 : person.name.startsWith(query) ? 1 : 2;
        results.push({ value: String(person.id), text: person.text, id_number: person.id_number, rank });
      }
    }
    if (!households) {
      results.sort((a, b) => a.rank - b.rank);
      results.forEach((result) => delete result.rank);
    }
    results.splice(20);
    return new Response(JSON.stringify({ results }), { headers: { "Content-Type": "application/json" } });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(page(request));
  else if (url.pathname.startsWith("/static/")) event.respondWith(asset(request));
  else if (url.pathname === ROSTER) event.respondWith(roster());
  else if (url.pathname === PERSON_SEARCH || url.pathname === HOUSEHOLD_SEARCH) event.respondWith(search(request));
});
