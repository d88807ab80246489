"""Korean and English pages, and a Korean catalogue that is complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES"


def test_accept_language_picks_korean(admin_client):
    html = admin_client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9").content.decode()
    assert '<html lang="ko">' in html
    assert "전체 워크플로우" in html and "오늘 실패한 스크립트" in html and "지금 새로 고침" in html


def test_english_is_the_default(admin_client):
    html = admin_client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in html and "Total scripts" in html


def test_the_language_switcher_remembers_the_choice(admin_client):
    response = admin_client.post("/i18n/setlang/", {"language": "ko", "next": "/scripts/"})
    assert response.status_code == 302 and response.url == "/scripts/"
    html = admin_client.get("/scripts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>스크립트</h1>" in html


def test_dates_follow_the_language(admin_client, make_execution):
    make_execution(started_at="2026-11-26T03:00:00+00:00")
    korean = admin_client.get("/executions/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    english = admin_client.get("/executions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2026년 11월 26일" in korean
    assert "Nov. 26, 2026" in english


def test_every_message_has_a_korean_translation():
    catalogue = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in catalogue
    entries = catalogue.split("\n\n")[1:]
    untranslated = [entry for entry in entries if re.search(r'^msgstr(\[0\])? ""\n(?!")', entry + "\n", re.M)]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    catalogue = (LOCALE / "django.po").read_text(encoding="utf-8")
    with (LOCALE / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    msgids = re.findall(r'^msgid "(.+)"$', catalogue, re.M)
    missing = [msgid for msgid in msgids if translations.gettext(msgid.replace('\\"', '"')) == msgid]
    assert missing == [], "run `make messages` to compile locale/ko"
