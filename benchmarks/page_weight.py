"""Form page weight and time to interactive on a slow mobile network, in real Chromium.

Against a real ``survey serve`` on loopback, for the one-page form of the richest shipped
questionnaire: bytes transferred (first load with an empty cache, then a second load with
the service worker's cache) and time to interactive under throttled 3G profiles applied with
CDP ``Network.emulateNetworkConditions``; every request is recorded to check that nothing
leaves the origin. Floor, same run and profile: one tiny request (``/api/jeton``, ~100 B).
The volunteers' post-it page (``/terrain/<campaign>/transcription``, with ``postit.js``) is
measured the same way, its first load after the volunteer code was typed.

"Interactive" = ``domContentLoadedEventEnd``: the deferred scripts and the module scripts
(``offline.js`` and the modules it imports) have run and bound their handlers (the form itself
works before that, with no JavaScript at all). The requests of a first load are counted too:
the server speaks HTTP/1.1, so past Chromium's 6 connections a file waits for a free one.

    python benchmarks/page_weight.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from playwright.sync_api import sync_playwright  # noqa: E402
from report import write_section  # noqa: E402

from tests.browser.conftest import ARGS, CHROMIUM, back_in_wifi, leave_wifi, wait_until_kept  # noqa: E402
from tests.conftest import LiveServer  # noqa: E402

CAMPAIGN = "besoins-numeriques-habitants"
POSTIT_CAMPAIGN = "porteur-de-parole-numerique"
# (name, download and upload bytes/s, added latency ms per request)
PROFILES = [
    ("3G lent (WebPageTest « 3G Slow » : 400 kbit/s, 400 ms)", 400_000 / 8, 400_000 / 8, 400),
    ("Slow 3G de Chrome DevTools (400 kbit/s, 2 000 ms)", 500_000 / 8 * 0.8, 500_000 / 8 * 0.8, 2000),
]
TARGET_KB, TARGET_S = 60, 1.5


class Recorder:
    def __init__(self, origin: str):
        self.origin = origin
        self.requests: list = []
        self.outside: list[str] = []

    def attach(self, context):
        context.on("requestfinished", lambda r: self.requests.append(r))
        context.on("request", self._check)

    def _check(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.outside.append(request.url)

    def take(self):
        done, self.requests = self.requests, []
        return done


def transferred(requests) -> tuple[int, list[tuple[str, int, bool]]]:
    rows = []
    for r in requests:
        sizes = r.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        response = r.response()
        from_sw = bool(response and response.from_service_worker)
        note = [
            n for n, on in (("service worker", r.service_worker), ("304", response and response.status == 304)) if on
        ]
        rows.append(
            (
                urlsplit(r.url).path + (f" ({', '.join(note)})" if note else ""),
                0 if from_sw else size,
                r.service_worker is not None,
            )
        )
    return sum(s for _, s, _ in rows), rows


def timing(page) -> dict:
    return page.evaluate("""() => {
        const n = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: fcp ? fcp.startTime : null,
                html: n.transferSize};
    }""")


def throttle(page, context, profile):
    _, down, up, latency = profile
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency, "downloadThroughput": down, "uploadThroughput": up},
    )
    return cdp


def measure(playwright, server, profile, runs: int) -> dict:
    url = f"{server.url}/c/{CAMPAIGN}/"
    firsts, offline, floors = [], [], []
    weights_first, weights_second, details = [], [], None
    recorder = Recorder(server.url)
    for _ in range(runs):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="fr-FR")
        recorder.attach(context)
        page = context.new_page()
        throttle(page, context, profile)
        page.goto(url, wait_until="load")
        firsts.append(timing(page)["dcl"] / 1000)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60000)
        wait_until_kept(page, timeout=60)
        page.wait_for_timeout(500)
        first_requests = recorder.take()
        total, rows = transferred([r for r in first_requests if r.service_worker is None])
        background, background_rows = transferred([r for r in first_requests if r.service_worker is not None])
        weights_first.append((total, background))
        details = details or rows
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)
        second_total, second_rows = transferred(recorder.take())  # the worker's own fetches count
        leave_wifi(context, server)  # reopened with no connection: all from the worker's cache
        page.goto(url, wait_until="load")
        offline.append(timing(page)["dcl"] / 1000)
        back_in_wifi(context, server)
        recorder.take()
        weights_second.append(second_total)
        floor = context.new_page()
        throttle(floor, context, profile)
        floor.goto(f"{server.url}/api/jeton", wait_until="load")
        floors.append(timing(floor)["load"] / 1000)
        recorder.take()
        browser.close()
    return {
        "first_s": statistics.median(firsts),
        "offline_s": statistics.median(offline),
        "floor_s": statistics.median(floors),
        "first_b": statistics.median(w[0] for w in weights_first),
        "first_n": len(details),
        "background_b": statistics.median(w[1] for w in weights_first),
        "second_b": statistics.median(weights_second),
        "rows": details,
        "second_rows": second_rows,
        "background_rows": background_rows,
        "outside": list(recorder.outside),
    }


def volunteer_code(server) -> str:
    """A volunteer code of the post-it campaign, as the coordination makes it."""
    from survey.services import volunteers
    from tests.browser.conftest import services_of

    return volunteers.create(services_of(server.data_dir), POSTIT_CAMPAIGN, "Inès")["id"]


def measure_postit(playwright, server, profile, runs: int, code: str) -> dict:
    """First load of the post-it page in a fresh browser, the volunteer code entered beforehand."""
    firsts, weights, details = [], [], None
    recorder = Recorder(server.url)
    for _ in range(runs):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.goto(server.url + "/benevole/")
        page.fill("#code", code)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        recorder.attach(context)
        throttle(page, context, profile)
        page.goto(f"{server.url}/terrain/{POSTIT_CAMPAIGN}/transcription", wait_until="load")
        assert page.locator("#postit").count() == 1, page.url
        firsts.append(timing(page)["dcl"] / 1000)
        page.wait_for_timeout(300)
        total, rows = transferred([r for r in recorder.take() if r.service_worker is None])
        weights.append(total)
        details = details or rows
        browser.close()
    return {
        "first_s": statistics.median(firsts),
        "first_b": statistics.median(weights),
        "rows": details,
        "outside": list(recorder.outside),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data", "--demo")
        try:
            with sync_playwright() as playwright:
                results = [(p[0], measure(playwright, server, p, args.runs)) for p in PROFILES]
                code = volunteer_code(server)
                postit = [(p[0], measure_postit(playwright, server, p, args.runs, code)) for p in PROFILES]
        finally:
            server.stop()

    lines = [
        f"The one-page form of `{CAMPAIGN}` (10 questions of every type), served by `survey serve` on "
        f"loopback, loaded by headless Chromium with a throttled network (CDP "
        f"`Network.emulateNetworkConditions`); median of {args.runs} runs, each in a fresh browser. "
        f"Target: ≤ {TARGET_KB} KB first load, interactive ≤ {TARGET_S} s. Floor: one tiny request "
        "(`/api/jeton`) under the same profile.",
        "",
        "| profile | first load, transferred | requests | interactive, first load | floor (one tiny request) | "
        "second load, transferred | reopened offline, interactive |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results:
        lines.append(
            f"| {name} | {r['first_b'] / 1024:.1f} KB | {r['first_n']} | {r['first_s']:.2f} s | {r['floor_s']:.2f} s | "
            f"{r['second_b'] / 1024:.1f} KB | {r['offline_s']:.2f} s |"
        )
    r = results[0][1]
    lines += ["", "First load, request by request (bytes on the wire, headers included):", ""]
    lines += [f"- `{path}`: {size / 1024:.1f} KB" for path, size, _ in r["rows"]]
    lines += [
        "",
        f"After the first load the service worker fetches, in the background, the files it keeps for "
        f"offline use: {r['background_b'] / 1024:.1f} KB more (once per tablet and app version; "
        "for the files Chromium counts only headers, their bodies coming from its HTTP cache):",
        "",
    ]
    lines += [f"- `{path}`: {size / 1024:.1f} KB" for path, size, _ in r["background_rows"]]
    lines += [
        "",
        "Second load (online): the page itself comes from the network (network first, so a volunteer "
        "always gets the current form), fetched by the service worker, and every file from its cache "
        "(0 B on the wire). Its time is not given: Chromium does not apply the page's throttling to the "
        "worker's own fetches. « Reopened offline » is the page opened again with no connection at all "
        "(browser offline and the server stopped), everything from the worker's cache.",
        "",
    ]
    lines += [f"- `{path}`: {size / 1024:.1f} KB" for path, size, _ in r["second_rows"]]
    lines += [
        "",
        f"The volunteers' post-it page (`/terrain/{POSTIT_CAMPAIGN}/transcription`, with `postit.js`), "
        "first load in a fresh browser after the volunteer code was typed (same profiles, median of "
        f"{args.runs}):",
        "",
        "| profile | first load, transferred | interactive, first load |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {r['first_b'] / 1024:.1f} KB | {r['first_s']:.2f} s |" for name, r in postit]
    lines += ["", "Post-it page, first load, request by request:", ""]
    lines += [f"- `{path}`: {size / 1024:.1f} KB" for path, size, _ in postit[0][1]["rows"]]
    outside = sorted({u for _, res in results + postit for u in res["outside"]})
    lines += ["", "Requests outside the origin: " + ("none." if not outside else ", ".join(outside))]
    body = "\n".join(lines)
    print(body)
    write_section("Form page weight", body)


if __name__ == "__main__":
    main()
