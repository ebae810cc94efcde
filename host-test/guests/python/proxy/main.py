# A 2023 HTTP proxy in Python, our own, built by componentize-py 0.10.0 against
# wasi:http@0.2.0-rc-2023-12-05 (host-test/src/artifacts.rs, `python_proxy`).
#
# Routes: GET /hello (a greeting), GET /world (what the rest of the world gives it: the
# number of environment variables, and whether a file can be read), POST /echo (the body
# back, read whole), GET /raise (an exception before any response).

import os

from app import exports
from app.imports.streams import StreamErrorClosed
from app.imports.types import (
    Fields, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
)
from app.types import Err, Ok


def respond(out, status, body):
    response = OutgoingResponse(Fields.from_list([("content-type", b"text/plain")]))
    response.set_status_code(status)
    outgoing = response.body()
    ResponseOutparam.set(out, Ok(response))
    # A stream is a child of its body: dropped (`with`) before the body is finished.
    with outgoing.write() as stream:
        while body:
            chunk, body = body[:4096], body[4096:]
            stream.blocking_write_and_flush(chunk)
    OutgoingBody.finish(outgoing, None)


def read_all(request):
    body = request.consume()
    data = b""
    with body.stream() as stream:
        while True:
            try:
                data += stream.blocking_read(65536)
            except Err as e:
                if isinstance(e.value, StreamErrorClosed):
                    break
                raise
    with IncomingBody.finish(body):
        return data


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, out: ResponseOutparam):
        path = request.path_with_query() or "/"
        if path == "/hello":
            respond(out, 200, b"hello from a 2023 python component\n")
        elif path == "/world":
            try:
                open("/data/greeting").read()
                file = "a file"
            except OSError as e:
                file = "no file (%s)" % type(e).__name__
            respond(out, 200, ("env %d, %s\n" % (len(os.environ), file)).encode())
        elif path == "/echo":
            respond(out, 200, read_all(request))
        elif path == "/raise":
            raise RuntimeError("raising before the response is set")
        else:
            respond(out, 404, b"no such route\n")
