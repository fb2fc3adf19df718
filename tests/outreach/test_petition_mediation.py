"""Issue 15, part 4: a petition's mediation outcome (调解结果) against its result text (处理结果),
where the text says it in the words ``outreach.rules.result_says`` knows; on the form and on
``full_clean()`` (the admin's and a script's path: petitions have no import)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach.models import Petition


def refusal(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        record.full_clean()
    return exc.value.message_dict


#: What a petition says, the same in the model and in the form.
PETITION = {
    "way": "visit",
    "petitioner_name": "王大姐",
    "category": "marriage_family",
    "summary": "与婆婆因赡养老人问题发生争吵。",
    "received_by": "张红",
    "handling": "village",
}


def petition(village, **fields) -> Petition:
    values = {
        "village": village,
        "received_on": dt.date(2026, 3, 2),
        **PETITION,
        "closed_on": dt.date(2026, 3, 20),
    }
    values.update(fields)
    return Petition(**values)


@pytest.mark.parametrize(
    ("mediation", "result", "message"),
    [
        ("failed", "经调解双方达成一致。", "处理结果写着“达成一致”，与调解结果“调解未成功”不符。"),
        ("succeeded", "双方未达成一致，建议诉讼。", "处理结果写着“未达成”，与调解结果“调解成功”不符。"),
        ("", "经调解，夫妻和好。", "处理结果写着“和好”，与调解结果“未调解”不符。"),
    ],
)
def test_a_mediation_outcome_that_its_result_contradicts_is_refused(world, mediation, result, message):
    assert refusal(petition(world.village_a, mediation=mediation, result=result)) == {"mediation": [message]}


@pytest.mark.parametrize(
    ("mediation", "result"),
    [
        ("succeeded", "经调解双方达成一致。"),
        ("failed", "调解未成功，已告知可通过法律途径解决。"),
        ("failed", "双方没有达成一致意见。"),
        ("", "已转乡司法所。"),
        ("succeeded", ""),
    ],
)
def test_a_mediation_outcome_its_result_agrees_with_or_does_not_code_is_accepted(world, mediation, result):
    petition(world.village_a, mediation=mediation, result=result).full_clean()


def test_the_petition_form_refuses_the_contradiction_on_the_outcome(world, login):
    client = login(world.dir_a)
    data = {
        "village": world.village_a.pk,
        "received_on": "2026-03-02",
        **PETITION,
        "mediation": "failed",
        "result": "经调解双方达成一致。",
        "closed_on": "2026-03-20",
    }
    response = client.post(reverse("outreach:petition_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["mediation"] == ["处理结果写着“达成一致”，与调解结果“调解未成功”不符。"]
    assert not Petition.objects.exists()
    data["mediation"] = "succeeded"
    assert client.post(reverse("outreach:petition_create"), data).status_code == 302
    assert Petition.objects.get().mediation == "succeeded"
