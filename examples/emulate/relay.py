"""An HTTP relay for the chain example: serves GET /PATH on the port in argv[1] with what
http://ORIGIN/PATH answers, ORIGIN being argv[2] (host:port)."""
import http.server
import sys
import urllib.request

ORIGIN = sys.argv[2]


class Relay(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with urllib.request.urlopen(f"http://{ORIGIN}{self.path}") as upstream:
            body = upstream.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Relayed-From", ORIGIN)
        self.end_headers()
        self.wfile.write(body)


http.server.HTTPServer(("", int(sys.argv[1])), Relay).serve_forever()
