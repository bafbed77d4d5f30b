"""Reads OTLP trace exports the way a collector does: protobuf (what Watt's exporter and this
server send by default) through the protobuf library and trace.proto, JSON through json. Both
give the OTLP/JSON shape: hex ids, integer kinds, int64 values as strings."""

import base64
import importlib
import json
import os
import subprocess
import sys
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))
_module = None


def _trace_pb2():
    global _module
    if _module is None:
        try:
            import google.protobuf  # noqa: F401
        except ImportError:  # a Python other than Debian's: use Debian's python3-protobuf
            sys.path.append("/usr/lib/python3/dist-packages")
        out = tempfile.mkdtemp(prefix="watt-otlp-")
        subprocess.run(["protoc", f"--proto_path={_HERE}", f"--python_out={out}", "trace.proto"],
                       check=True)
        sys.path.insert(0, out)
        _module = importlib.import_module("trace_pb2")
    return _module


def _hex(b64):
    return base64.b64decode(b64).hex()


def decode(body, content_type):
    """The export request as a dict in the OTLP/JSON shape."""
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type != "application/x-protobuf":
        raise AssertionError(f"unexpected content-type {content_type!r}")
    pb = _trace_pb2()
    from google.protobuf import json_format
    message = pb.ExportTraceServiceRequest()
    message.ParseFromString(body)  # raises DecodeError on malformed bytes
    doc = json_format.MessageToDict(message, use_integers_for_enums=True)
    for rs in doc.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for s in ss.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in s:
                        s[key] = _hex(s[key])
                s.setdefault("status", {})
    return doc
