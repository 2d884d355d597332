"""REST API of canned answers (templat jawaban, complaints.actions.canned):

- `GET/POST api/v1/canned-answers/`: the tenant's templates; add one;
- `GET/PUT/DELETE api/v1/canned-answers/<id>/`: one template;
- `GET api/v1/complaints/<id>/canned-answers/<answer_id>/`: its text filled for a complaint
  (`canned.unfilled_placeholder` when a placeholder cannot be filled).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.openapi import ERROR_RESPONSE
from complaints.access import (
    CANNED_READ_ROLES,
    CANNED_ROLES,
    access_canned_answer,
    access_complaint_for_work,
)
from complaints.actions.canned import (
    do_create_canned_answer,
    do_delete_canned_answer,
    do_update_canned_answer,
)
from complaints.canned import fill_for
from complaints.models import CannedAnswer
from complaints.selectors import WORK_ROLES
from tenants.access import TenantRole


class CannedAnswerInput(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)


class CannedAnswerOutput(serializers.Serializer[CannedAnswer]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    updated_at = serializers.DateTimeField()


class FilledAnswerOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()


class CannedAnswersApi(TenantApiView):
    permission_classes = [TenantRole(*CANNED_ROLES, read=CANNED_READ_ROLES)]

    @extend_schema(responses=CannedAnswerOutput(many=True), operation_id="canned_answers_list")
    def get(self, request: Request) -> Response:
        answers = list(CannedAnswer.objects.order_by("title"))
        return Response(CannedAnswerOutput(answers, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        request=CannedAnswerInput,
        responses={201: CannedAnswerOutput},
        operation_id="canned_answer_create",
    )
    def post(self, request: Request) -> Response:
        given = CannedAnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        answer = do_create_canned_answer(actor=request.user, **given.validated_data)
        return Response(CannedAnswerOutput(answer).data, status=status.HTTP_201_CREATED)


class CannedAnswerApi(TenantApiView):
    permission_classes = [TenantRole(*CANNED_ROLES, read=CANNED_READ_ROLES)]

    @extend_schema(responses=CannedAnswerOutput, operation_id="canned_answer_read")
    def get(self, request: Request, answer_id: int) -> Response:
        return Response(CannedAnswerOutput(access_canned_answer(answer_id)).data)

    @extend_schema(
        request=CannedAnswerInput, responses=CannedAnswerOutput, operation_id="canned_answer_update"
    )
    def put(self, request: Request, answer_id: int) -> Response:
        answer = access_canned_answer(answer_id)
        given = CannedAnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        answer = do_update_canned_answer(actor=request.user, answer=answer, **given.validated_data)
        return Response(CannedAnswerOutput(answer).data)

    @extend_schema(responses={204: None}, operation_id="canned_answer_delete")
    def delete(self, request: Request, answer_id: int) -> Response:
        do_delete_canned_answer(actor=request.user, answer=access_canned_answer(answer_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FilledAnswerApi(TenantApiView):
    permission_classes = [TenantRole(*WORK_ROLES)]

    @extend_schema(
        responses={200: FilledAnswerOutput, 400: ERROR_RESPONSE},
        operation_id="canned_answer_fill",
    )
    def get(self, request: Request, complaint_id: int, answer_id: int) -> Response:
        complaint = access_complaint_for_work(request.user, self.tenant, complaint_id)
        answer = access_canned_answer(answer_id)
        text = fill_for(answer.body, complaint=complaint, tenant=self.tenant)
        return Response(
            FilledAnswerOutput({"id": answer.pk, "title": answer.title, "text": text}).data
        )
