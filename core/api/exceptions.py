"""Errors as the API promises them: 400 with field errors, 403, 404, 409, 413; never a 500
for input.

Services raise Django's ``ValidationError`` (keyed by field), ``PermissionDenied`` and
``Http404``; views let them through and this handler turns them into responses.
"""

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger(__name__)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, RecursionError):
        # Raised while parsing a body nested thousands of levels deep.
        exc = exceptions.ParseError("The body is nested too deeply.")
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is over the {limit:,} bytes this server accepts."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    elif isinstance(exc, IntegrityError):
        # A constraint the service checked was broken by a simultaneous request.
        logger.warning("API write lost a race: %s", exc)
        set_rollback()
        return Response(
            {"detail": "This conflicts with a change made at the same time; reload and retry."},
            status=status.HTTP_409_CONFLICT,
        )
    return exception_handler(exc, context)
