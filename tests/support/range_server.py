#!/usr/bin/env python3
# A static file server on 127.0.0.1 for the remote-COG test (tests/test_import.cpp):
# answers HEAD and GET with single byte ranges (206 Partial Content), and appends
# one line per request to LOG: "<method> <path> <first>-<last> <bytes sent>".
# Usage: range_server.py DIR LOG   -> prints "<port> <pid>" on one line, then serves until killed.
import http.server
import os
import re
import sys

ROOT, LOG = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _file(self):
        path = os.path.join(ROOT, self.path.lstrip("/").split("?")[0])
        return path if os.path.isfile(path) else None

    def _note(self, first, last, sent):
        with open(LOG, "a") as fh:
            fh.write("%s %s %s-%s %d\n" % (self.command, self.path, first, last, sent))

    def do_HEAD(self):
        path = self._file()
        if not path:
            self.send_error(404)
            self._note("", "", 0)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(os.path.getsize(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._note("", "", 0)

    def do_GET(self):
        path = self._file()
        if not path:
            self.send_error(404)
            self._note("", "", 0)
            return
        size = os.path.getsize(path)
        m = re.match(r"bytes=(\d+)-(\d*)$", self.headers.get("Range", ""))
        with open(path, "rb") as fh:
            if m:
                first = int(m.group(1))
                last = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
                if first >= size:
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % size)
                    self.end_headers()
                    self._note(first, last, 0)
                    return
                fh.seek(first)
                data = fh.read(last - first + 1)
                self.send_response(206)
                self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, size))
            else:
                first, last = 0, size - 1
                data = fh.read()
                self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            self.wfile.write(data)
            self._note(first, last, len(data))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], os.getpid(), flush=True)
server.serve_forever()
