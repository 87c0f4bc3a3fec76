"""Any bytes under any accepted name: the upload check either accepts the document or raises FdError naming
the file, never another exception (which would be a 500 and could leave a half-stored upload)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.fd.messages import FdError
from kansa.web.fd.reading import ACCEPTED, check_document

KINDS = st.sampled_from(["policy", "progress", "table"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([*ACCEPTED, ".exe", ".zip", ""]), kind=KINDS)
def test_any_bytes_are_accepted_or_refused_with_a_named_error(data: bytes, suffix: str, kind: str) -> None:
    name = f"方針{suffix}"
    try:
        check_document(name, kind, data)
    except FdError as exc:
        message = exc.message("en")
        assert name in message and "/tmp" not in message and "upload" not in message


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=400))
def test_any_text_policy_is_accepted_or_refused_with_a_named_error(text: str) -> None:
    try:
        check_document("policy.txt", "policy", text.encode("utf-8"))
    except FdError as exc:
        assert exc.code in {"doc_no_text", "doc_encoding", "doc_unreadable"}
