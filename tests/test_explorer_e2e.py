"""End to end: the explorer page (api/explorer/, served at `/`) in headless Chromium.

A real server (uvicorn on 127.0.0.1, a free port) over the embedded store holding the bundled
dataset; Playwright drives the system's Chromium (its own browser builds are not used). The
page searches Skype, opens its neighbourhood, recentres on a click, and asks what Belgian law
reaches on a day; what it shows is checked against the API's own answers. The run ends with
a screenshot in docs/explorer.png (shown in the README).

Without Chromium the test skips and says how to install it; under CI it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from reachgraph.api.app import create_app
from reachgraph.graph.stores import open_store
from tests.api_helpers import load_sample, settings_for
from tests.conftest import ROOT

SCREENSHOT = ROOT / "docs" / "explorer.png"
JURISDICTION, DAY = "BE", "2018-01-01"
#: A day before the first evidence that Skype was offered in Belgium (2012-09-01).
EARLY = "2010-06-01"
#: The data of the Belgian Skype case, whose answer the test opens.
SKYPE_DATA = "skype-user-data-be-2012"


@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium to drive: REACHGRAPH_TEST_CHROMIUM, or `chromium` on the PATH."""
    given = os.environ.get("REACHGRAPH_TEST_CHROMIUM")
    found = given or shutil.which("chromium") or shutil.which("chromium-browser")
    if found and Path(found).exists():
        return found
    message = (
        "Chromium not found: the explorer's end-to-end test drives it. Install it (Debian or "
        "Ubuntu: `apt-get install chromium`), or set REACHGRAPH_TEST_CHROMIUM to a Chromium or "
        "Chrome binary."
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(f"Explorer end-to-end test skipped. {message}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the API over the bundled dataset, served by uvicorn in a thread."""
    location = str(tmp_path_factory.mktemp("explorer") / "store")
    with open_store(location) as store:
        load_sample(store)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race for it
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings_for(location)), log_level="warning", lifespan="on")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not uvicorn_server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def get(base: str, path: str, **params: str) -> Any:
    response = httpx.get(base + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def sentence_text(sentence: str) -> str:
    """A path step's sentence as the page shows it: without its `[source, …]` suffix."""
    return re.sub(r"\s*\[[^\]]*\]\s*$", "", sentence)


def test_the_page_and_its_assets_are_served(server: str) -> None:
    page = httpx.get(server + "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-cache" and page.headers["etag"]
    again = httpx.get(server + "/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    for asset in re.findall(r'(?:src|href)="(/explorer/[^"]+)"', page.text):
        assert httpx.get(server + asset).status_code == 200, asset
    assert "/explorer/vendor/cytoscape.min.js" in page.text
    with httpx.Client(base_url=server) as client:
        for path in ("/explorer/../app.py", "/explorer/%2e%2e/app.py", "/explorer/", "/nope.js"):
            request = client.build_request("GET", path)
            request.url = request.url.copy_with(raw_path=path.encode())  # as sent, not tidied
            missing = client.send(request)
            assert missing.status_code == 404, path
            assert missing.headers["content-type"] == "application/problem+json"
    assert "/" not in get(server, "/openapi.json")["paths"]


def test_the_explorer_answers_as_the_api_does(chromium: str, server: str) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-GB")
            page.set_default_timeout(20_000)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
                ),
            )
            page.goto(server + "/")
            assert page.title() == "reachgraph explorer"

            # Search: the hits are the API's, in its order.
            hits = get(server, "/search", q="Skype", limit="30")["items"]
            page.fill("#search-q", "Skype")
            page.click("#search-form button[type=submit]")
            page.wait_for_selector("#search-results a.hit")
            shown = page.locator("#search-results a.hit")
            assert shown.count() == len(hits)
            assert [shown.nth(i).get_attribute("data-key") for i in range(len(hits))] == [
                hit["key"] for hit in hits
            ]
            skype = next(hit for hit in hits if hit["name"] == "Skype")

            # Open it: the graph holds the API's neighbourhood, the panel the entity.
            page.click(f'#search-results a.hit[data-key="{skype["key"]}"]')
            page.wait_for_function(
                "key => window.reachgraphExplorer.graph?.$id(key).hasClass('centre')",
                arg=skype["key"],
            )
            hood = get(server, f"/entities/{skype['key']}/neighbourhood")
            drawn = page.evaluate("() => window.reachgraphExplorer.graph.nodes().map(n => n.id())")
            assert sorted(drawn) == sorted(node["key"] for node in hood["nodes"])
            assert page.evaluate("() => window.reachgraphExplorer.graph.edges().length") == len(
                hood["relationships"]
            )
            assert page.inner_text("#entity-title") == "Skype"
            touching = [r for r in hood["relationships"] if skype["key"] in (r["start"], r["end"])]
            assert page.locator("#entity-connections li").count() == len(touching)
            # Skype's offer in Belgium is evidenced from 2012-09-01 only (from_at_least).
            connections = page.inner_text("#entity-connections")
            assert "Skype is offered in Belgium at least since 2012-09-01" in connections

            # A click on a node recentres the graph on it.
            belgium = next(node for node in hood["nodes"] if node["key"] == JURISDICTION)
            box = page.locator("#graph").bounding_box()
            assert box is not None
            spot = page.evaluate(
                "key => window.reachgraphExplorer.graph.$id(key).renderedPosition()",
                JURISDICTION,
            )
            page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
            page.wait_for_function(
                "key => window.reachgraphExplorer.graph?.$id(key).hasClass('centre')",
                arg=JURISDICTION,
            )
            page.wait_for_function(
                "name => document.getElementById('entity-title').textContent === name",
                arg=belgium["name"],
            )
            assert f"entity={JURISDICTION}" in page.url
            # Back to Skype for the picture, through a link in the connections.
            page.click(f'#entity-connections a[data-key="{skype["key"]}"]')
            page.wait_for_function(
                "key => window.reachgraphExplorer.graph?.$id(key).hasClass('centre')",
                arg=skype["key"],
            )

            # Reach: Belgium on the day; one answer shown per answer of the API.
            answers = get(server, "/questions/reach", jurisdiction=JURISDICTION, as_of=DAY)
            page.select_option("#reach-jurisdiction", JURISDICTION)
            page.fill("#reach-as-of", DAY)
            page.click("#reach-form button[type=submit]")
            page.wait_for_selector("#reach-answers details.answer")
            assert page.locator("#reach-answers details.answer").count() == len(answers)
            status = page.inner_text("#reach-status")
            assert DAY in status and belgium["name"] in status, status

            # The Belgian Skype data's first answer: data, basis, rule, law, why, sources.
            answer = next(a for a in answers if a["data"] == SKYPE_DATA)
            assert "service_targeting" in answer["bases"]
            selector = (
                f'details.answer[data-data="{answer["data"]}"][data-rule="{answer["rule"]}"]'
                f'[data-law="{answer["law"]}"]'
            )
            details = page.locator(selector).first
            details.locator("summary").click()
            assert details.get_attribute("open") is not None
            body = details.locator(".answer-body")
            assert details.locator("summary .basis").inner_text() == " + ".join(answer["bases"])
            assert details.locator("summary .standing").inner_text() == answer["standing"]
            assert answer["citation"] in details.locator("summary").inner_text()
            assert answer["data_name"] in body.inner_text()
            rule = get(server, f"/entities/{answer['rule']}")
            assert rule["name"] in details.locator("summary .rule").inner_text()

            sentences = details.locator(".why .sentence")
            expected = [
                sentence_text(step["sentence"])
                for path in answer["paths"]
                for step in path["steps"]
            ]
            assert [sentences.nth(i).inner_text() for i in range(sentences.count())] == expected
            assert any(s.startswith("Skype is offered in Belgium at least since") for s in expected)

            keys: list[str] = []
            for path in answer["paths"]:
                keys += [key for key in path["sources"] if key not in keys]
                for step in path["steps"]:
                    keys += [key for key in step["sources"] if key not in keys]
            links = details.locator(".sources li.source")
            assert [links.nth(i).get_attribute("data-key") for i in range(links.count())] == keys
            urls = {key: get(server, f"/entities/{key}")["properties"].get("url") for key in keys}
            hrefs = {}
            for i in range(links.count()):
                link = links.nth(i).locator("a")
                key = links.nth(i).get_attribute("data-key")
                if link.count() and key is not None:
                    hrefs[key] = link.get_attribute("href")
            assert hrefs, "no source is shown as a link"
            assert all(href == urls[key] for key, href in hrefs.items())
            assert set(hrefs) == {key for key, url in urls.items() if url}

            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            # Before the first evidence of the offer, the Skype answers are listed apart.
            early = get(server, "/questions/reach", jurisdiction=JURISDICTION, as_of=EARLY)
            unsure = [a for a in early if a["unconfirmed"]]
            assert unsure and {a["data"] for a in unsure} == {SKYPE_DATA}
            page.fill("#reach-as-of", EARLY)
            page.click("#reach-form button[type=submit]")
            page.wait_for_selector("#reach-answers section.unconfirmed details.answer")
            apart = page.locator("#reach-answers section.unconfirmed details.answer")
            assert apart.count() == len(unsure)
            assert page.locator("#reach-answers details.answer").count() == len(early)
        finally:
            browser.close()
    assert problems == []
