"""Record certificates (志愿服务记录证明) through the API, on SQLite and PostgreSQL: the PDF carries
every mandated field in extractable Chinese text, the ID number masked; the public verification
accepts the code of a real certificate and refuses a forged code and one whose facts were altered;
staff of the recording unit issue, a volunteer requests his own, and every refusal writes nothing."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy import Engine, func, select, update

from db import models
from db.localtime import LOCAL_TZ
from db.models import Role
from resolvers.core import globalid
from tests.auth.conftest import ClientFor
from tests.certificates.support import CERTIFICATES, DECEMBER, ISSUE, VERIFY, serve
from tests.recognition.support import Mall, errors, pk
from tests.schema.support import id_number, register_volunteer, unique


def pdf_text(certificate: dict[str, Any]) -> str:
    reader = PdfReader(io.BytesIO(base64.b64decode(certificate["pdf"])))
    assert len(reader.pages) == 1
    return "".join(page.extract_text() for page in reader.pages)


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(models.ServiceCertificate)) or 0)


def issue(mall: Mall, who: str, **values: Any) -> dict[str, Any]:
    payload: dict[str, Any] = mall.as_(who).data(ISSUE, {"input": {"unit": mall.ids["center"], **DECEMBER,
                                                                    **values}})["certificateIssue"]
    return payload


def test_the_pdf_has_every_mandated_field_and_the_public_verification_checks_its_code(
        mall: Mall, engine: Engine, client_for: ClientFor) -> None:
    number, id_no = unique("KSV"), id_number()
    volunteer = register_volunteer(mall.admin, mall.ids["station"], name="陈晓明", volunteerNumber=number,
                                   idNumber=id_no)
    mall.admin.data("mutation U($input: UnitUpdateInput!) { unitUpdate(input: $input) { userErrors { code } } }",
                    {"input": {"id": mall.ids["center"], "contactName": "周敏", "contactPhone": "0512-57520000",
                               "personInCharge": "顾建国"}})
    serve(engine, mall, volunteer, 150, item_name="助老陪伴")
    serve(engine, mall, volunteer, 90, 30, item_name="助老陪伴")
    serve(engine, mall, volunteer, 60, item_name="文明交通劝导")
    payload = issue(mall, "staff", volunteer=volunteer)
    assert payload["userErrors"] == []
    cert = payload["certificate"]
    assert (cert["creditHours"], cert["honourHours"], cert["serviceCount"]) == (5.0, 0.5, 3)
    assert cert["maskedIdNumber"] == "*" * 14 + id_no[-4:]
    assert cert["handler"] == "mall-staff" and cert["requestedByVolunteer"] is False
    assert (cert["issuerHead"], cert["issuerContact"], cert["issuerPhone"]) == ("顾建国", "周敏", "0512-57520000")

    text = pdf_text(cert)
    issued_on = dt.datetime.fromisoformat(cert["issuedAt"]).astimezone(LOCAL_TZ).date()
    for field in ("志愿服务记录证明", "姓名", "陈晓明", "证件类型", "居民身份证", "证件号码", "*" * 14 + id_no[-4:],
                  "志愿者编号", number, "服务时间段", "2026年12月1日至2026年12月31日", "服务时长", "5.5小时",
                  "服务内容", "助老陪伴2次", "文明交通劝导1次", "出具单位", "昆山市新时代文明实践中心", "负责人",
                  "顾建国", "联系人", "周敏", "联系电话", "0512-57520000", "经办人",
                  "出具日期", f"{issued_on.year}年{issued_on.month}月{issued_on.day}日", "证明编号", cert["number"],
                  "验证码", cert["verificationCode"]):
        assert field in text, field
    assert id_no not in text and id_no[:14] not in text  # the ID number only masked

    anonymous = client_for(None)
    check = anonymous.data(VERIFY, {"c": cert["verificationCode"]})["certificateVerify"]
    assert check == {"valid": True, "number": cert["number"], "volunteerNumber": number, "maskedName": "陈**",
                     "creditHours": 5.0, "honourHours": 0.5, "periodStart": "2026-12-01", "periodEnd": "2026-12-31",
                     "issuer": "昆山市新时代文明实践中心", "issuedOn": issued_on.isoformat()}
    # written loosely (lower case, no dashes) it is the same code
    assert anonymous.data(VERIFY, {"c": cert["verificationCode"].replace("-", "").lower()}
                          )["certificateVerify"]["valid"] is True

    code = cert["verificationCode"]
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    for fake in (forged, "AAAAA-AAAAA-AAAAA-AAAAA", "not a code!", ""):
        assert anonymous.data(VERIFY, {"c": fake})["certificateVerify"] == {
            "valid": False, "number": None, "volunteerNumber": None, "maskedName": None, "creditHours": None,
            "honourHours": None, "periodStart": None, "periodEnd": None, "issuer": None, "issuedOn": None}, fake
    too_long = anonymous.execute(VERIFY, {"c": "A" * 65})
    assert too_long["errors"][0]["extensions"]["code"] == "TOO_LARGE"

    # a certificate whose facts were altered behind the API no longer verifies: the code binds them
    row = globalid.decode_pk(cert["id"], "ServiceCertificate")
    with engine.begin() as conn:
        conn.execute(update(models.ServiceCertificate).where(models.ServiceCertificate.id == row)
                     .values(credit_minutes=6000))
    assert anonymous.data(VERIFY, {"c": code})["certificateVerify"]["valid"] is False


def test_staff_of_the_recording_unit_issue_a_volunteer_requests_his_own_and_refusals_write_nothing(
        mall: Mall, engine: Engine) -> None:
    serve(engine, mall, mall.ids["v1"], 120)
    own = issue(mall, "v1")
    assert own["userErrors"] == [] and own["certificate"]["requestedByVolunteer"] is True
    assert own["certificate"]["volunteer"]["id"] == mall.ids["v1"]
    station = issue(mall, "station_dispatcher", volunteer=mall.ids["v1"], unit=mall.ids["station"])
    assert station["userErrors"] == [] and station["certificate"]["creditHours"] == 2.0
    before = count(engine)

    # another volunteer, an admin of another center: they do not see v1
    assert errors(issue(mall, "v2", volunteer=mall.ids["v1"])) == [(["input", "volunteer"], "NOT_FOUND")]
    assert errors(issue(mall, "outsider", volunteer=mall.ids["v1"], unit=mall.ids["other_center"])) == [
        (["input", "volunteer"], "NOT_FOUND")]
    # v1 asks the other center, which recorded nothing of his
    assert errors(issue(mall, "v1", unit=mall.ids["other_center"])) == [(["input", "unit"], "NO_SERVICE_RECORDED")]
    # a period without service, a period backwards
    assert errors(issue(mall, "staff", volunteer=mall.ids["v1"], **{"from": "2026-11-01", "to": "2026-11-30"})) == [
        (["input", "unit"], "NO_SERVICE_RECORDED")]
    assert errors(issue(mall, "staff", volunteer=mall.ids["v1"], **{"from": "2026-12-31", "to": "2026-12-01"})) == [
        (["input", "to"], "OUT_OF_RANGE")]
    assert count(engine) == before

    # reads: his own, staff's in scope; not another volunteer's
    assert mall.as_("v1").data(CERTIFICATES)["certificates"]["totalCount"] == 2
    assert mall.as_("v2").data(CERTIFICATES)["certificates"]["totalCount"] == 0
    assert mall.as_("staff").data(CERTIFICATES, {"v": mall.ids["v1"]})["certificates"]["totalCount"] == 2
    assert mall.as_("outsider").data(CERTIFICATES)["certificates"]["totalCount"] == 0
    analyst = mall.as_("analyst").execute(CERTIFICATES)
    assert analyst["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_volunteer_served_elsewhere_gets_the_certificate_of_the_unit_that_recorded_it(
        mall: Mall, engine: Engine, client_for: ClientFor) -> None:
    """The issuing unit is the recording one: hours served at the other center are its to certify."""
    serve(engine, mall, mall.ids["v1"], 60)
    serve(engine, mall, mall.ids["v1"], 240, unit="other_center")
    ours = issue(mall, "staff", volunteer=mall.ids["v1"])["certificate"]
    assert ours["creditHours"] == 1.0 and ours["issuerName"] == "昆山市新时代文明实践中心"
    theirs = issue(mall, "outsider", volunteer=mall.ids["v1"], unit=mall.ids["other_center"])
    assert theirs["userErrors"] == [] and theirs["certificate"]["creditHours"] == 4.0
    other_staff = client_for("cert-other-dispatcher", [(Role.DISPATCHER, {"unit_id": pk(mall.ids["other_center"])})])
    assert other_staff.data(CERTIFICATES)["certificates"]["totalCount"] == 1
