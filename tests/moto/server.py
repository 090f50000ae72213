"""Starts moto's server for lambdascope's tests (test code only; the product never needs it).

moto 5.2.5 checks SigV4 signatures of bodiless requests (every Lambda GET) against a hash
of the query parameters instead of the empty payload, so with IAM enforcement on every
such request fails with SignatureDoesNotMatch. This launcher fixes that one expression
before starting the server, and serves the Lambda APIs moto lacks from `stub.py`;
everything else is moto as shipped.

Usage: python server.py -H 127.0.0.1 -p PORT
"""
import sys

from moto.iam import access_control

_original = access_control.IAMRequestBase._create_aws_request


def _create_aws_request(self):
    if not self._body and self._method in ("GET", "HEAD", "DELETE"):
        saved, self._data = self._data, b""
        try:
            return _original(self)
        finally:
            self._data = saved
    return _original(self)


access_control.IAMRequestBase._create_aws_request = _create_aws_request

# The Lambda APIs moto lacks (web functions, GetResourcePolicy) come from stub.py, beside it.
import os  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stub  # noqa: E402
from moto.moto_server import werkzeug_app  # noqa: E402

_dispatch = werkzeug_app.DomainDispatcherApplication.__call__


def _call(self, environ, start_response):
    if stub.handles(environ.get("PATH_INFO", "")):
        return stub.call(environ, start_response)
    refused = stub.refuse_sts(environ)
    if refused is not None:
        return refused(start_response)
    return _dispatch(self, environ, start_response)


werkzeug_app.DomainDispatcherApplication.__call__ = _call

from moto.server import main  # noqa: E402  (after the fix)

sys.exit(main())
