"""Crawl every page each demo role can reach, on a phone (390 px) and a desktop (1366 px).

After the main flows have run (an elder registered and their personal data revealed, an
assessment booked in the browser and completed, another left half-done), the login page is
checked signed out, then every demo role (one user each, the broadest roles first) follows
same-origin links from its home page, breadth first, with the navigation menu opened once on
the phone. Each page fails the test on:

- a 5xx answer;
- horizontal overflow (the page is wider than the screen);
- an axe-core violation of serious or critical impact (each kind of page once per width);
- at 390 px, a visible tap target (a, button, input, select, textarea, summary; a checkbox
  counts with its label) under 44 × 44 px, except a link inside running text in a paragraph
  (WCAG 2.5.8's inline exception);
- at 390 px, text in the Chinese UI that is untranslated English or a raw code
  (``local_urban``, ``gbt42195-2022``); code shown as code (``<code>``) and text marked
  ``translate="no"`` or ``lang="en"`` are left alone.

Pages are deduplicated by path pattern (ids replaced, the ``page`` parameter ignored) with a
cap per role; a kind of page already checked for a role holding all of this role's permissions
is not checked again. A later capability's pages join the crawl as soon as a page links to
them. Downloads (.xlsx, .pdf, the API) are fetched for their status only; logout, language
switching and every POST are never followed (destructive actions ask first on a page of their
own, which the crawl checks like any page). The Django back office is checked for 5xx and
language only: its layout is Django's own.

The per-page table (overflow px, header height, smallest tap target) is printed, and written to
the file named by ``CRAWL_REPORT`` when set.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from silvercare.accounts.models import User
from silvercare.accounts.roles import ROLE_PERMISSIONS
from silvercare.assessments import services
from silvercare.assessments.models import Assessment
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.demo.city import DEMO_PASSWORD, DEMO_USERS
from silvercare.demo.services import demo_build
from silvercare.elders.models import Elder
from tests.browser.support import axe_blocking, ui_text
from tests.browser.test_assessment_flow import FORMS, SCORES

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
MIN_TARGET_PX = 44
PAGES_PER_ROLE = 22  # the broadest roles reach three links deep; narrower ones add little
DEMO_ELDERS = 40
DEMO_STREET = "440304001000"  # the demo community worker's street (园岭街道)
DEMO_COMMUNITY = "440304001001"

# Words a Chinese page may show in Latin letters: the product's name, standards, formats, and
# instruments named after their authors, as Chinese clinicians write them (Barthel指数), and
# SOS, the word printed on the watches' emergency button.
ALLOWED_WORDS = {
    "SilverCare",
    "PDF",
    "FHIR",
    "ID",
    "API",
    "xlsx",
    "GB",
    "ICD",
    "BMI",
    "Barthel",
    "Lawton",
    "cm",
    "kg",
    "km",
    "SOS",
}

# KNOWN FAILURES: problems the crawl finds in areas being fixed elsewhere, as
# (path pattern, check, text the problem's detail contains) → who fixes it. Remove an entry
# when its fix lands; the test fails on an entry that no longer matches anything, so the list
# can only shrink.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}

NOT_FOLLOWED = (
    re.compile(r"^/accounts/logout/"),
    re.compile(r"^/i18n/"),
    re.compile(r"^/static/"),
    re.compile(r"^/admin/.+"),  # the back office's index only
)
DOWNLOAD = re.compile(r"(\.(xlsx|pdf|csv|json)$)|^/api/")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")
LATIN_RUN = re.compile(r"[A-Za-z]{2,}")
# Numbers, dates and numbered identifiers (20260303-003004-07aa74) are not words.
NUMBERED = re.compile(r"(?<![A-Za-z])\d[\w\-./:]*")
RAW_CODE = re.compile(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # snake_case: local_urban, stack_raises
    r"|\b[a-z]+[0-9]*(?:-[a-z0-9]+)+\b"  # kebab-case: gbt42195-2022
)

# One evaluation per page and viewport: overflow, the smallest tap targets, visible text.
MEASURE_JS = """
({minTarget, checkTargets}) => {
  const root = document.documentElement;
  const header = document.querySelector('body > header');
  const out = {overflow: root.scrollWidth - root.clientWidth, targets: [], texts: [],
               header: header ? Math.round(header.getBoundingClientRect().height) : 0};
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    const id = el.id ? '#' + el.id : '';
    return `${el.tagName.toLowerCase()}${id} "${text.slice(0, 30)}"`;
  };
  const blockOf = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const d = getComputedStyle(p).display;
      if (!d.startsWith('inline') && d !== 'contents') return p;
    }
    return null;
  };
  // WCAG 2.5.8: a link in a sentence of running text is exempt; strictly, a paragraph with
  // words of its own beyond its links.
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = blockOf(el);
    if (!block || block.tagName !== 'P') return false;
    let own = block.textContent;
    for (const a of block.querySelectorAll('a, button')) own = own.replace(a.textContent, '');
    return /[\\p{L}]{2,}/u.test(own);
  };
  if (checkTargets) {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
    for (const el of document.querySelectorAll(selector)) {
      if (!el.checkVisibility({visibilityProperty: true})) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right <= 0 || r.bottom + window.scrollY <= 0) continue;  // off screen: skip link
      let w = r.width, h = r.height;
      if (el.matches('input[type=checkbox], input[type=radio]')) {
        for (const l of el.labels || []) {
          const lr = l.getBoundingClientRect();
          w = Math.max(w, lr.width); h = Math.max(h, lr.height);
        }
      }
      if (inSentence(el)) continue;
      out.targets.push({w: Math.round(w * 10) / 10, h: Math.round(h * 10) / 10,
                        what: describe(el)});
    }
  }
  // Code shown as code (a sample, a header to send) and text marked translate="no" or
  // lang="en" are meant as they are.
  const skip = 'script, style, noscript, template, option, code, kbd, samp, [translate=no], '
             + '[lang^=en]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    const text = n.textContent.trim();
    if (!text || !parent || parent.closest(skip)) continue;
    if (!parent.checkVisibility({visibilityProperty: true})) continue;
    out.texts.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (el.closest(skip) || !el.checkVisibility()) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.texts.push(v.trim());
    }
  }
  return out;
}
"""

# Rows after the fifth of a table body repeat the template of the first five: axe (whose
# contrast check costs time per text node) skips them.
AXE_RUN = """
axe.run({exclude: [["tbody tr:nth-child(n+6)"]]}, {resultTypes: ["violations"]})
"""

LINKS_JS = """
() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)
"""


@dataclass
class Row:
    role: str
    width: int
    path: str
    status: int
    overflow: int = 0
    header: int = 0
    smallest: str = "—"
    smallest_px: float = 9999.0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (check, detail)


def path_pattern(url: str) -> str:
    """/elders/<uuid>/audit/?page=2&q=x → /elders/{id}/audit/?q: one page per shape."""
    parts = urlsplit(url)
    path = NUMBER.sub("{n}", UUID.sub("{id}", parts.path))
    # Another page of a list is the same page.
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)} - {"page"})
    return path + ("?" + "&".join(keys) if keys else "")


def untranslated(texts: list[str], allowed: set[str]) -> list[str]:
    found: list[str] = []
    for text in texts:
        plain = NUMBERED.sub(" ", UUID.sub(" ", text))  # ids are not words
        for code in RAW_CODE.findall(plain):
            found.append(f"raw code {code!r} in {text[:80]!r}")
        stripped = RAW_CODE.sub(" ", plain)
        words = [w for w in LATIN_RUN.findall(stripped) if w not in allowed]
        if words:
            found.append(f"English {' '.join(words)!r} in {text[:80]!r}")
    return sorted(set(found))


# --- setting the city up -------------------------------------------------------------------


def run_main_flows(browser: Browser, base_url: str) -> dict[str, Any]:
    """The demo city, then what a street worker and an assessor do in a first week: register
    an elder in the browser on a phone, reveal their data and add a contact, book an
    assessment in the browser, complete one and leave another half-done (through the
    services)."""
    demo_build(elders=DEMO_ELDERS)
    worker = User.objects.get(username="community_worker")
    assessor = User.objects.get(username="assessor")

    context = new_context(browser, base_url, PHONE)
    page = context.new_page()
    sign_in_demo(page, worker.username)
    page.goto("/elders/new/")
    page.get_by_role("textbox", name=ui_text("Name"), exact=True).fill("陈淑华")
    page.get_by_role("textbox", name=ui_text("ID card number"), exact=True).fill(
        testing.id_number(dt.date(1942, 9, 14), male=False)
    )
    page.get_by_role("textbox", name=ui_text("Phone"), exact=True).fill("13912345678")
    page.get_by_role("combobox", name=ui_text("Community"), exact=True).select_option(
        DEMO_COMMUNITY
    )
    for select in page.locator("main form select[required]").all():  # facts to choose
        if select.input_value() == "":
            values = [
                v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v
            ]
            select.select_option(values[0])
    page.get_by_role("main").get_by_role("button", name=ui_text("Save"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/elders/[0-9a-f-]{36}/$"))
    elder = Elder.objects.get(name="陈淑华")
    page.get_by_role("button", name=ui_text("Show full personal data (this is recorded)")).click()
    expect(page.locator("#personal").get_by_role("status")).to_be_visible()
    page.locator("summary", has_text=ui_text("Add a contact")).click()
    page.get_by_role("textbox", name=ui_text("Contact name"), exact=True).fill("陈建华")
    page.get_by_role("combobox", name=ui_text("Relationship"), exact=True).select_option("child")
    page.get_by_role("textbox", name=ui_text("Contact phone"), exact=True).fill("13712345678")
    page.get_by_role("button", name=ui_text("Add contact"), exact=True).click()
    expect(page.locator("main .messages")).to_contain_text(ui_text("The contact was added."))

    page.goto(f"/assessments/book/{elder.pk}/")
    page.get_by_role("combobox", name=ui_text("Assessor"), exact=True).select_option(
        str(assessor.pk)
    )
    page.get_by_role("main").get_by_role("button", name=ui_text("Book"), exact=True).click()
    expect(page.locator("#assessment-status")).to_be_visible()
    context.close()

    # The assessor's tablet work, through the services as the web pages call them.
    on_tablet = AuditContext(actor=assessor, via="web")
    booked = Assessment.objects.get(elder=elder)
    answered = services.assessment_save_answers(
        ctx=on_tablet, assessment=booked, items=dict(SCORES), forms=dict(FORMS)
    )
    scored = services.assessment_submit(ctx=on_tablet, assessment=answered)
    signed = services.assessment_sign(ctx=on_tablet, assessment=scored, informant_name="李女士")
    done = services.assessment_complete(ctx=on_tablet, assessment=signed)
    other = Elder.objects.filter(region__code__startswith=DEMO_STREET[:9]).exclude(pk=elder.pk)[0]
    half = services.assessment_book(
        ctx=AuditContext(actor=worker, via="web"),
        elder=other,
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
    )
    half = services.assessment_save_answers(
        ctx=on_tablet, assessment=half, items=dict(list(SCORES.items())[:6])
    )
    return {"elder": elder, "completed": done, "in_progress": half}


def new_context(browser: Browser, base_url: str, viewport: ViewportSize) -> BrowserContext:
    return browser.new_context(
        base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport
    )


def sign_in_session(context: BrowserContext, user: User, base_url: str) -> None:
    """A signed-in session without the login form (the crawl checks that form signed out)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def sign_in_demo(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=ui_text("Sign in")).click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))


# --- the crawl -----------------------------------------------------------------------------


class Crawler:
    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.axe = Axe()
        self.axe_done: set[tuple[str, int]] = set()
        self.checked_with: dict[str, list[frozenset[str]]] = {}
        self.axe_runs = 0
        self.timing: dict[str, float] = {"load": 0.0, "measure": 0.0, "axe": 0.0}
        self.downloads: dict[str, int] = {}
        self.rows: list[Row] = []
        self.allowed = set(ALLOWED_WORDS)

    def crawl_role(self, username: str | None) -> None:
        """Everything ``username`` reaches from the home page (signed out: the login page).
        A kind of page an earlier role checked with all of this role's permissions (and
        more) shows this role nothing new: the role checks its own home page and only the
        kinds of page no such role reached."""
        who = username or "(signed out)"
        context = new_context(self.browser, self.base_url, PHONE)
        page = context.new_page()
        page.set_default_timeout(10_000)
        perms: frozenset[str] = frozenset()
        if username is not None:
            user = User.objects.get(username=username)
            perms = frozenset(p for g in user.grants.all() for p in ROLE_PERMISSIONS[g.role])
            sign_in_session(context, user, self.base_url)
        seen: set[str] = set()
        queue: deque[str] = deque(["/" if username else "/accounts/login/"])
        visited = 0
        while queue and visited < PAGES_PER_ROLE:
            path = queue.popleft()
            shape = path_pattern(path)
            if shape in seen:
                continue
            seen.add(shape)
            if DOWNLOAD.search(urlsplit(path).path):
                self.fetch_download(context, path, shape, who)
                continue
            checked_by = self.checked_with.setdefault(shape, [])
            if visited > 0 and any(perms <= broader for broader in checked_by):
                continue
            checked_by.append(perms)
            visited += 1
            t0 = time.monotonic()
            response = page.goto(path)
            self.timing["load"] += time.monotonic() - t0
            status = response.status if response else 0
            if visited == 1:
                self.check_menu(page, who, shape)
            self.check_page(page, who, shape, status)
            page.set_viewport_size(PHONE)
            for href in page.evaluate(LINKS_JS):
                target = self.same_origin_path(href, page.url)
                if target is not None and path_pattern(target) not in seen:
                    queue.append(target)
        context.close()

    def check_page(self, page: Page, who: str, shape: str, status: int) -> None:
        back_office = shape.startswith("/admin/")
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            row = Row(who, viewport["width"], shape, status)
            self.rows.append(row)
            if status >= 500:
                row.problems.append(("5xx", f"HTTP {status}"))
                return
            t0 = time.monotonic()
            self.measure(page, row, viewport, back_office)
            self.timing["measure"] += time.monotonic() - t0
            # axe once per page shape and width: what differs between roles on one shape
            # is which controls show, not how they are built.
            if not back_office and (shape, viewport["width"]) not in self.axe_done:
                self.axe_done.add((shape, viewport["width"]))
                self.run_axe(page, row)

    def check_menu(self, page: Page, who: str, shape: str) -> None:
        """On a phone the navigation is behind the menu button: open it and check it too."""
        page.set_viewport_size(PHONE)
        button = page.locator("#menu-button")
        if not button.is_visible():
            return
        button.click()
        expect(page.get_by_role("navigation", name=ui_text("Main"))).to_be_visible()
        row = Row(who, PHONE["width"], f"{shape} (menu open)", 200)
        self.rows.append(row)
        self.measure(page, row, PHONE, back_office=False)
        if ("menu", PHONE["width"]) not in self.axe_done:
            self.axe_done.add(("menu", PHONE["width"]))
            self.run_axe(page, row)
        button.click()

    def run_axe(self, page: Page, row: Row) -> None:
        t0 = time.monotonic()
        if not page.evaluate("typeof window.axe === 'object'"):  # once per page load
            page.evaluate(self.axe.axe_script)
        violations = page.evaluate(AXE_RUN)["violations"]
        self.timing["axe"] += time.monotonic() - t0
        self.axe_runs += 1
        for v in axe_blocking(violations):
            nodes = ", ".join(" ".join(str(t) for t in n["target"]) for n in v["nodes"][:3])
            row.problems.append(("axe", f"{v['id']} ({v['impact']}): {nodes}"))

    def same_origin_path(self, href: str, current: str) -> str | None:
        url = urljoin(current, href)
        if not url.startswith(self.base_url + "/"):
            return None
        parts = urlsplit(url)
        if any(p.search(parts.path) for p in NOT_FOLLOWED):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def fetch_download(self, context: BrowserContext, path: str, shape: str, who: str) -> None:
        if shape in self.downloads:
            return
        status = context.request.get(self.base_url + path).status
        self.downloads[shape] = status
        if status >= 500:
            row = Row(who, 0, shape, status)
            row.problems.append(("5xx", f"download: HTTP {status}"))
            self.rows.append(row)

    def measure(self, page: Page, row: Row, viewport: ViewportSize, back_office: bool) -> None:
        phone = viewport is PHONE
        found = page.evaluate(MEASURE_JS, {"minTarget": MIN_TARGET_PX, "checkTargets": True})
        row.overflow = int(found["overflow"])
        row.header = int(found["header"])
        targets = found["targets"]
        if targets:
            least = min(targets, key=lambda t: min(t["w"], t["h"]))
            row.smallest_px = min(least["w"], least["h"])
            row.smallest = f"{least['w']:.0f}×{least['h']:.0f} {least['what']}"
        if back_office:  # Django's own layout: its language only
            row.problems += [("text", t) for t in untranslated(found["texts"], self.allowed)]
            return
        if row.overflow > 0:
            row.problems.append(("overflow", f"{row.overflow}px wider than the screen"))
        if phone:
            small = [t for t in targets if t["w"] < MIN_TARGET_PX or t["h"] < MIN_TARGET_PX]
            kinds = {f"{t['w']:.0f}×{t['h']:.0f} {t['what']}": None for t in small}
            for kind in list(kinds)[:10]:
                row.problems.append(("target", kind))
            if len(kinds) > 10:
                row.problems.append(("target", f"… and {len(kinds) - 10} more"))
            row.problems += [("text", t) for t in untranslated(found["texts"], self.allowed)]

    def table(self) -> str:
        """One line per page and width: overflow and header height in px, smallest target."""
        head = f"{'role':<22} {'width':>5} {'status':>6} {'overflow':>8} {'header':>6}"
        lines = [f"{head}  {'smallest tap target':<44} page"]
        for r in self.rows:
            lines.append(
                f"{r.role.replace(' ', '_'):<22} {r.width:>5} {r.status:>6} {r.overflow:>8} "
                f"{r.header:>6}  {r.smallest[:44]:<44} {r.path.replace(' ', '_')}"
            )
        return "\n".join(lines)


@pytest.fixture
def city(browser: Browser, base_url: str, transactional_db: None) -> dict[str, Any]:
    return run_main_flows(browser, base_url)


def test_every_page_of_every_demo_role_works_on_a_phone_and_a_desktop(
    browser: Browser, base_url: str, city: dict[str, Any]
) -> None:
    started = time.monotonic()
    crawler = Crawler(browser, base_url)
    roles: dict[str, str] = {}
    for username, role, _region in DEMO_USERS:  # one user per role
        roles.setdefault(role, username)
    crawler.crawl_role(None)
    # The broadest roles first, so that narrower ones only add what they alone see.
    for role in sorted(roles, key=lambda r: -len(ROLE_PERMISSIONS[r])):
        crawler.crawl_role(roles[role])
    elapsed = time.monotonic() - started

    report = crawler.table()
    summary = (
        f"{len(crawler.rows)} page views, {len({(r.role, r.path) for r in crawler.rows})} pages, "
        f"{len(crawler.downloads)} downloads, {elapsed:.0f}s "
        f"({', '.join(f'{k} {v:.0f}s' for k, v in crawler.timing.items())}; "
        f"{crawler.axe_runs} axe runs)"
    )
    failures: list[str] = []
    matched: set[tuple[str, str, str]] = set()
    for row in crawler.rows:
        for check, detail in row.problems:
            known = [k for k in KNOWN_FAILURES if k[:2] == (row.path, check) and k[2] in detail]
            if known:
                matched.update(known)
                continue
            failures.append(f"{row.role} @{row.width}px {row.path}: [{check}] {detail}")
    stale = sorted(set(KNOWN_FAILURES) - matched)
    problems = "\n".join(sorted(set(failures)))
    sys.stdout.write(f"\n{report}\n{summary}\n{problems}\n")
    if os.environ.get("CRAWL_REPORT"):
        with open(os.environ["CRAWL_REPORT"], "w", encoding="utf-8") as out:
            out.write(f"{report}\n{summary}\n\nProblems:\n{problems}\n")
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(sorted(set(failures)))
    assert not stale, f"KNOWN_FAILURES entries that no longer fail (remove them): {stale}"
