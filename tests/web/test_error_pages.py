"""The 403, 404 and 500 pages are Chinese, in the site's layout, and the 500 page needs nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import include, path

from federation.project import urls as project_urls
from federation.web import errors

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


def _refused(request):
    raise PermissionDenied("只有乡镇妇联可以恢复已删除的记录。")


urlpatterns = [path("boom/", _boom), path("refused/", _refused), path("", include("federation.project.urls"))]
handler500 = project_urls.handler500  # the project's own: a test with the line deleted fails


def test_an_unknown_address_answers_a_chinese_page_in_the_site_s_layout(world, login):
    response = login(world.dir_a).get("/registry/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "找不到这个页面" in html
    assert 'name="viewport"' in html and "妇联工作台账" in html  # the header of every page
    assert "Not Found" not in html


def test_another_village_s_record_answers_the_same_404(world, login):
    response = login(world.dir_a).get(f"/registry/persons/{world.woman_b.pk}/")
    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()
    assert "妇女B" not in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_refusal_answers_a_chinese_403_with_its_reason(world, login):
    response = login(world.dir_a).get("/refused/")
    assert response.status_code == 403
    assert "只有乡镇妇联可以恢复已删除的记录。" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_answers_a_chinese_500_page(world, login):
    client = login(world.dir_a)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出错了" in html and 'name="viewport"' in html
    assert "Server Error" not in html


def test_the_500_page_is_rendered_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = errors.server_error(None)
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()


def test_the_500_page_when_its_template_fails_too(monkeypatch):
    def broken(name):
        raise RuntimeError("templates unreadable")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(None)
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()


def test_a_form_sent_after_its_session_ended_answers_a_chinese_403(world, client):
    client = type(client)(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "dir_a", "password": "x"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()
