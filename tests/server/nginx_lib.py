"""Debian's nginx as an unprivileged-style test process: its own configuration, pid, logs and
temporary directories under a work dir, an ephemeral loopback port, in front of kysod nodes
(the upstream of deploy/nginx-kysod-nodes.conf)."""
import os
import shutil
import subprocess
import time

from kysod_lib import Client, free_port


class Nginx:
    def __init__(self, workdir, upstream_ports):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(nginx):
            raise SystemExit("FAIL: nginx missing (scripts/deps.sh installs nginx-light)")
        self.dir = workdir
        os.makedirs(workdir, exist_ok=True)
        for t in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(workdir, t), exist_ok=True)
        self.port = free_port()
        servers = "".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=60s;\n"
                          for p in upstream_ports)
        d = workdir
        # as root the workers would switch to nobody, who cannot write the temp dirs
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf = os.path.join(d, "nginx.conf")
        open(self.conf, "w").write(f"""{user}daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream kysod {{
{servers}        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        client_max_body_size 4m;
        location / {{
            proxy_pass http://kysod;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_read_timeout 180s;
            proxy_next_upstream error timeout;
        }}
    }}
}}
""")
        self.log = open(os.path.join(d, "nginx.stderr"), "w")
        self.proc = subprocess.Popen([nginx, "-p", d, "-c", self.conf], stderr=self.log)
        for _ in range(200):
            try:
                st, _, _ = Client(self.port).req("GET", "/healthz")
                if st == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit("FAIL: nginx exited at start: " + open(d + "/nginx.stderr").read() +
                                 (open(d + "/error.log").read() if os.path.exists(d + "/error.log") else ""))
            time.sleep(0.05)
        raise SystemExit("FAIL: nginx never answered /healthz")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
