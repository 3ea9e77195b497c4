"""The evaluation report as a reader sees it: the page opened in headless Chromium
(Debian's package, launched as tests/e2e/test_ui.py does). By default the page of the
recorded two-month run; LINKAGES_REPORT_PAGE=<demo>/reports/2026-10/evaluation.html
checks the demo's instead, and LINKAGES_SCREENSHOTS=docs/screenshots refreshes the
README's picture of it."""

import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

from tests.e2e.conftest import MONTHS
from tests.e2e.test_ui import SCREENSHOTS, chromium

SECTIONS = (
    "This month at a glance",
    "How soon families are identified: the daily route beside the monthly one",
    "Case reviews: indicators of coordinated case planning (the study's Table 3)",
    "Re-referrals before and after identification (Figure 4)",
    "CalWORKs participation and reunification (Figures 5–8)",
    "Placements and substantiated allegations",
    "Enrolled families against a matched comparison group",
    "List sizes and prevention levels, month by month",
    "Link quality (clerical QA sample)",
)
COLUMN_NAMES = (
    "n_families",
    "EXCLUDED_UNKNOWN_OR_BLANK",
    "mean_longest",
    "county_code",
)


@pytest.fixture(scope="module")
def report_page(request) -> Path:
    given = os.environ.get("LINKAGES_REPORT_PAGE")
    if given:
        return Path(given)
    run = request.getfixturevalue("recorded_run")
    return run.warehouse.parent / "reports" / MONTHS[-1] / "evaluation.html"


def test_the_report_reads_as_a_report(report_page):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report_page.resolve().as_uri())
        headings = page.locator("h2").all_inner_texts()
        assert list(SECTIONS) == [h for h in headings if h in SECTIONS]
        text = page.inner_text("body")
        for name in COLUMN_NAMES:
            assert name not in text, name
        assert "families identified" in text
        # every chart drew (a broken data URI has no width), and none is wider
        # than the page
        widths = page.eval_on_selector_all(
            "img",
            "imgs => imgs.map(i => [i.naturalWidth, i.getBoundingClientRect().right])",
        )
        assert widths and all(natural > 0 for natural, _ in widths)
        assert all(right <= 1280 for _, right in widths)
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            path = Path(SCREENSHOTS) / "evaluation-report.png"
            page.screenshot(path=str(path), full_page=True)
            # a long page: 128 colours keep it legible at a fraction of the size
            with Image.open(path) as shot:
                small = shot.convert("RGB").quantize(colors=128)
            small.save(path, optimize=True)
        browser.close()
