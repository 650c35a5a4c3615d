"""Who may do what in the admin: librarian accounts, their permissions, login rate limiting, language."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from tests.conftest import LIBRARIAN_PASSWORD as PASSWORD


def create_librarian(name: str = "lin", password: str = PASSWORD) -> None:
    call_command("create_librarian", name, "--password", password, stdout=open(os.devnull, "w"))


def test_create_librarian_makes_a_staff_member_of_librarians_with_exactly_their_permissions(db):
    create_librarian()
    user = get_user_model().objects.get(username="lin")
    assert user.is_staff and not user.is_superuser and user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == ["Librarians"]
    expected = {
        f"archive.{action}_{model}"
        for model in ("document", "paragraph", "footnote", "abbreviation")
        for action in ("view", "add", "change", "delete")
    }
    assert user.get_all_permissions() == expected


def test_create_librarian_refuses_a_weak_password_and_an_existing_name(db):
    with pytest.raises(CommandError):
        create_librarian("weak", "123")
    assert not get_user_model().objects.filter(username="weak").exists()
    create_librarian()
    with pytest.raises(CommandError, match="已存在"):
        create_librarian()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/axes/accessattempt/",
    ],
)
def test_a_librarian_cannot_reach_user_management_or_settings(client, librarian, url):
    assert client.get(url).status_code == 403


def test_a_librarian_cannot_edit_an_account_not_even_their_own(client, librarian):
    response = client.post(f"/admin/auth/user/{librarian.pk}/change/", {"username": "lin", "is_superuser": "on"})
    assert response.status_code == 403
    librarian.refresh_from_db()
    assert not librarian.is_superuser


def test_the_admin_index_offers_a_librarian_the_archive_and_nothing_else(client, librarian):
    response = client.get("/admin/")
    apps = {app["app_label"]: {m["object_name"] for m in app["models"]} for app in response.context["app_list"]}
    assert apps == {"archive": {"Document", "Paragraph", "Footnote", "Abbreviation", "ImportBatch"}}
    for url in (
        "/admin/archive/document/",
        "/admin/archive/paragraph/",
        "/admin/archive/footnote/",
        "/admin/archive/importbatch/",
        "/admin/archive/importbatch/add/",
        "/admin/archive/document/acquisitions/",
    ):
        assert client.get(url).status_code == 200
    assert client.get("/admin/archive/abbreviation/").status_code == 200


def test_login_attempts_are_rate_limited(client, db):
    create_librarian()
    for _attempt in range(4):
        refused = client.post("/admin/login/?next=/admin/", {"username": "lin", "password": "wrong"})
        assert refused.status_code == 200 and "请输入一个正确的" in refused.content.decode()
    fifth = client.post("/admin/login/?next=/admin/", {"username": "lin", "password": "wrong"})
    assert fifth.status_code == 429
    assert "登录尝试过多" in fifth.content.decode() and "15 分钟" in fifth.content.decode()
    # Locked out: even the right password is refused now.
    locked = client.post("/admin/login/?next=/admin/", {"username": "lin", "password": PASSWORD})
    assert locked.status_code == 429
    assert client.get("/admin/").status_code == 302, "not signed in"


def test_a_lockout_is_for_that_username_only(client, db):
    create_librarian()
    create_librarian("wang")
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "lin", "password": "wrong"})
    signed_in = client.post("/admin/login/?next=/admin/", {"username": "wang", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_a_successful_login_resets_the_count(client, db):
    create_librarian()
    for _attempt in range(4):
        client.post("/admin/login/", {"username": "lin", "password": "wrong"})
    assert client.post("/admin/login/?next=/admin/", {"username": "lin", "password": PASSWORD}).status_code == 302
    client.logout()
    for _attempt in range(4):
        client.post("/admin/login/", {"username": "lin", "password": "wrong"})
    assert client.post("/admin/login/?next=/admin/", {"username": "lin", "password": PASSWORD}).status_code == 302


def test_the_admin_is_in_chinese_by_default(client, librarian):
    from archive.ingest.store import import_text

    import_text("2024 年 3 月 1 日的信\n\n正文。\n", symbol="S/2024/150")
    response = client.get("/admin/archive/document/")
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    assert "维和文献库 · 管理" in content and "选择 文件 来修改" in content
    assert "发布所选文件" in content


def test_english_is_available_for_the_librarian_pages(client, librarian):
    response = client.get("/admin/archive/document/add/", HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert '<html lang="en"' in content
    assert "Paste the text or upload a file" in content


LOAD_BALANCER = "10.0.0.1"


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_load_balancer_a_lockout_is_for_the_client_not_everyone(client, db):
    create_librarian()
    via_lb = {"REMOTE_ADDR": LOAD_BALANCER}
    for _attempt in range(5):
        # The attacker also claims to be the librarian's address; only the balancer's entry counts.
        client.post(
            "/admin/login/",
            {"username": "lin", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66",
            **via_lb,
        )
    attacker = client.post(
        "/admin/login/", {"username": "lin", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.66", **via_lb
    )
    assert attacker.status_code == 429
    librarian = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "lin", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **via_lb,
    )
    assert librarian.status_code == 302 and librarian["Location"] == "/admin/"


def test_without_trusted_proxies_a_forwarded_header_is_not_believed(client, db):
    create_librarian()
    for n in range(5):
        client.post(
            "/admin/login/",
            {"username": "lin", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            REMOTE_ADDR="192.0.2.9",
        )
    rotated = client.post(
        "/admin/login/",
        {"username": "lin", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
        REMOTE_ADDR="192.0.2.9",
    )
    assert rotated.status_code == 429  # a made-up header does not buy fresh attempts
