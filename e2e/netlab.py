"""A small network of namespaces for impaired calls: one per participant, behind one router.

    root namespace (the server)          cs-router (ip_forward)           cs-p1 … cs-pN
    cs-root 10.77.0.1/24  <── veth ──>   cs-r0 10.77.0.2/24
                                         cs-r1 10.77.1.1/24  <── veth ──>  eth0 10.77.1.2/24
                                         cs-r2 10.77.2.1/24  <── veth ──>  eth0 10.77.2.2/24 …

Every participant's traffic, to the server and to the other participants, crosses the router, so
an impairment set there touches exactly one participant's uplink (packets arriving from its veth)
or downlink (packets leaving towards it):

- loss: an `iptables-legacy` FORWARD rule `-m statistic --mode random --probability P -j DROP`;
- delay and jitter: a FORWARD rule `-j NFQUEUE --queue-bypass` and `nfqueue_delay.py` in the
  router namespace holding each packet's verdict;
- a bandwidth cap: `tc` `htb` on the egress of the veth end the packets leave by (the
  participant's own `eth0` for its uplink, the router's end for its downlink), with a short
  byte FIFO under it, as a home router's queue would be.

Impairments apply to UDP only — the media. The collector's reports and the demo's signalling
travel over TCP to the server and stay clean, so what the diagnosis sees is the media path's
fault and not a collector that could not report.

With `turn=True` a TURN server (coturn's `turnserver`) runs in its own namespace behind the
router, `cs-turn` 10.77.100.2 (router end `cs-rt` 10.77.100.1): media relayed through it crosses
the router on its way in and out, so `relay_loss` (drops on the way into the relay) spoils every
stream through it and nothing else.

`cpu_limit` is no network impairment but a slow device: a participant's processes held to a share
of one core by a cgroup-v1 CPU quota.

Only addresses in 10.77.0.0/16, assigned here, are used. `close()` removes everything (the
namespaces take their veths and rules with them; the root end and route go explicitly) and is
registered with `atexit`, so a failing suite cleans up too. Needs root.
"""
import atexit
import os
import subprocess
import sys

ROUTER = "cs-router"
ROOT_VETH = "cs-root"
SERVER_ADDRESS = "10.77.0.1"
TURN_NS, TURN_ROUTER_VETH = "cs-turn", "cs-rt"
TURN_ADDRESS, TURN_GATEWAY = "10.77.100.2", "10.77.100.1"
TURN_PORT, TURN_USER, TURN_PASSWORD = 3478, "callscope", "impaired-calls"
CPU_CGROUP = "/sys/fs/cgroup/cpu/callscope"  # + "-cs-pN": cgroup v1, as this machine mounts it
HERE = os.path.dirname(os.path.abspath(__file__))


def sh(*args, check=True):
    result = subprocess.run(args, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {result.stderr.strip() or result.returncode}")
    return result.stdout


def in_ns(ns, *args, check=True):
    return sh("ip", "netns", "exec", ns, *args, check=check)


class Participant:
    """One participant's namespace: `ns`, its address, and the router's end of its veth."""

    def __init__(self, index, pid):
        self.index, self.pid = index, pid
        self.ns = f"cs-p{index}"
        self.address = f"10.77.{index}.2"
        self.gateway = f"10.77.{index}.1"
        self.router_veth = f"cs-r{index}"


class NetLab:
    """The router and one namespace per participant id; impairments by participant and direction."""

    def __init__(self, pids, turn=False):
        self.participants = {pid: Participant(i + 1, pid) for i, pid in enumerate(pids)}
        self.delayers = []
        self.queue = 0
        self.turn = None
        self.cpu_groups = set()
        atexit.register(self.close)
        self.close()  # what an earlier, killed run left behind
        self._build()
        if turn:
            self._start_turn()

    @property
    def turn_url(self):
        return f"turn:{TURN_ADDRESS}:{TURN_PORT}?transport=udp"

    def _start_turn(self):
        """coturn with one long-term user, relaying on its own address only, no TLS, no CLI."""
        sh("ip", "netns", "add", TURN_NS)
        in_ns(TURN_NS, "ip", "link", "set", "lo", "up")
        in_ns(ROUTER, "ip", "link", "add", TURN_ROUTER_VETH, "type", "veth", "peer", "name", "eth0", "netns", TURN_NS)
        in_ns(ROUTER, "ip", "addr", "add", f"{TURN_GATEWAY}/24", "dev", TURN_ROUTER_VETH)
        in_ns(ROUTER, "ip", "link", "set", TURN_ROUTER_VETH, "up")
        in_ns(TURN_NS, "ip", "addr", "add", f"{TURN_ADDRESS}/24", "dev", "eth0")
        in_ns(TURN_NS, "ip", "link", "set", "eth0", "up")
        in_ns(TURN_NS, "ip", "route", "add", "default", "via", TURN_GATEWAY)
        self.turn = subprocess.Popen(
            ["ip", "netns", "exec", TURN_NS, "turnserver", "--listening-ip", TURN_ADDRESS, "--relay-ip", TURN_ADDRESS,
             "--listening-port", str(TURN_PORT), "--lt-cred-mech", "--user", f"{TURN_USER}:{TURN_PASSWORD}",
             "--realm", "callscope.test", "--no-tls", "--no-dtls", "--no-cli", "--min-port", "49152", "--max-port", "49999",
             "--log-file", "stdout", "--simple-log", "--no-stdout-log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Ready once it answers on its port: a STUN binding request gets a response.
        import socket
        import time
        request = bytes.fromhex("000100002112a442") + os.urandom(12)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.turn.poll() is not None:
                raise RuntimeError(f"turnserver exited with {self.turn.returncode}")
            probe = subprocess.run(["ip", "netns", "exec", ROUTER, sys.executable, "-c",
                                    "import socket,sys;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(0.5);"
                                    f"s.sendto(bytes.fromhex('{request.hex()}'),('{TURN_ADDRESS}',{TURN_PORT}));"
                                    "sys.exit(0 if s.recv(2048)[:2]==b'\\x01\\x01' else 1)"],
                                   capture_output=True)
            if probe.returncode == 0:
                return
            time.sleep(0.3)
        raise RuntimeError(f"turnserver did not answer STUN on {TURN_ADDRESS}:{TURN_PORT}")

    def relay_loss(self, percent):
        """Drops `percent` of the UDP on its way into the TURN server: every relayed stream loses it once."""
        in_ns(ROUTER, "iptables-legacy", "-A", "FORWARD", "-o", TURN_ROUTER_VETH, "-p", "udp",
              "-m", "statistic", "--mode", "random", "--probability", f"{percent / 100:.4f}", "-j", "DROP")

    def _build(self):
        sh("ip", "netns", "add", ROUTER)
        in_ns(ROUTER, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        in_ns(ROUTER, "ip", "link", "set", "lo", "up")
        sh("ip", "link", "add", ROOT_VETH, "type", "veth", "peer", "name", "cs-r0", "netns", ROUTER)
        sh("ip", "addr", "add", f"{SERVER_ADDRESS}/24", "dev", ROOT_VETH)
        sh("ip", "link", "set", ROOT_VETH, "up")
        sh("ip", "route", "add", "10.77.0.0/16", "via", "10.77.0.2")
        in_ns(ROUTER, "ip", "addr", "add", "10.77.0.2/24", "dev", "cs-r0")
        in_ns(ROUTER, "ip", "link", "set", "cs-r0", "up")
        for p in self.participants.values():
            sh("ip", "netns", "add", p.ns)
            in_ns(p.ns, "ip", "link", "set", "lo", "up")
            in_ns(ROUTER, "ip", "link", "add", p.router_veth, "type", "veth", "peer", "name", "eth0", "netns", p.ns)
            in_ns(ROUTER, "ip", "addr", "add", f"{p.gateway}/24", "dev", p.router_veth)
            in_ns(ROUTER, "ip", "link", "set", p.router_veth, "up")
            in_ns(p.ns, "ip", "addr", "add", f"{p.address}/24", "dev", "eth0")
            in_ns(p.ns, "ip", "link", "set", "eth0", "up")
            in_ns(p.ns, "ip", "route", "add", "default", "via", p.gateway)

    # ------------------------------------------------------------------ impairments

    def _match(self, pid, direction):
        """The FORWARD match for one participant's uplink (`-i`) or downlink (`-o`) UDP."""
        flag = {"uplink": "-i", "downlink": "-o"}[direction]
        return [flag, self.participants[pid].router_veth, "-p", "udp"]

    def loss(self, pid, direction, percent):
        in_ns(ROUTER, "iptables-legacy", "-A", "FORWARD", *self._match(pid, direction),
              "-m", "statistic", "--mode", "random", "--probability", f"{percent / 100:.4f}", "-j", "DROP")

    def delay(self, pid, direction, delay_ms, jitter_ms):
        self.queue += 1
        delayer = subprocess.Popen(["ip", "netns", "exec", ROUTER, sys.executable, os.path.join(HERE, "nfqueue_delay.py"),
                                    str(self.queue), str(delay_ms), str(jitter_ms)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = delayer.stdout.readline().strip()
        if line != "ready":
            delayer.kill()
            raise RuntimeError(f"nfqueue_delay.py did not start: {line} {delayer.stderr.read().strip()}")
        self.delayers.append(delayer)
        in_ns(ROUTER, "iptables-legacy", "-A", "FORWARD", *self._match(pid, direction),
              "-j", "NFQUEUE", "--queue-num", str(self.queue), "--queue-bypass")

    def cap(self, pid, direction, kbit, queue_bytes=30000):
        """UDP leaving by the veth end of `direction` is shaped to `kbit`; TCP keeps a wide class."""
        p = self.participants[pid]
        ns, dev = (p.ns, "eth0") if direction == "uplink" else (ROUTER, p.router_veth)
        in_ns(ns, "tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "10")
        in_ns(ns, "tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:10", "htb", "rate", "1gbit")
        in_ns(ns, "tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:20", "htb",
              "rate", f"{kbit}kbit", "ceil", f"{kbit}kbit")
        in_ns(ns, "tc", "qdisc", "add", "dev", dev, "parent", "1:20", "handle", "20:", "bfifo", "limit", str(queue_bytes))
        in_ns(ns, "tc", "filter", "add", "dev", dev, "parent", "1:", "protocol", "ip", "u32",
              "match", "ip", "protocol", "17", "0xff", "flowid", "1:20")

    def cpu_limit(self, pid, percent):
        """Holds every process in the participant's namespace (its chromedriver and Chromium, and
        what they start later) to `percent` of one core: a cgroup-v1 `cpu` group with a CFS quota.
        Not the network: a slow device."""
        group = f"{CPU_CGROUP}-{self.participants[pid].ns}"
        os.makedirs(group, exist_ok=True)
        with open(os.path.join(group, "cpu.cfs_period_us"), "w") as f:
            f.write("100000")
        with open(os.path.join(group, "cpu.cfs_quota_us"), "w") as f:
            f.write(str(int(percent * 1000)))
        for process in sh("ip", "netns", "pids", self.participants[pid].ns).split():
            try:
                with open(os.path.join(group, "cgroup.procs"), "w") as f:
                    f.write(process)
            except OSError:
                pass  # it ended meanwhile
        self.cpu_groups.add(group)

    def _release_cpu(self):
        for group in list(self.cpu_groups):
            try:
                with open(os.path.join(group, "cgroup.procs")) as f:
                    processes = f.read().split()
            except OSError:
                processes = []
            for process in processes:
                try:
                    with open(os.path.join(os.path.dirname(group), "cgroup.procs"), "w") as f:
                        f.write(process)
                except OSError:
                    pass
            try:
                os.rmdir(group)
            except OSError:
                pass
            self.cpu_groups.discard(group)

    def dropped(self):
        """Packets dropped by the router's loss rules so far (iptables counters)."""
        out = in_ns(ROUTER, "iptables-legacy", "-L", "FORWARD", "-v", "-n", "-x", check=False)
        return sum(int(line.split()[0]) for line in out.splitlines() if " DROP " in f" {line} ")

    def clear(self):
        """Removes every impairment, keeping the network."""
        for delayer in self.delayers:
            delayer.terminate()
            delayer.wait(timeout=5)
        self.delayers = []
        self._release_cpu()
        in_ns(ROUTER, "iptables-legacy", "-F", "FORWARD", check=False)
        for p in self.participants.values():
            in_ns(p.ns, "tc", "qdisc", "del", "dev", "eth0", "root", check=False)
            in_ns(ROUTER, "tc", "qdisc", "del", "dev", p.router_veth, "root", check=False)

    def close(self):
        for delayer in self.delayers:
            delayer.kill()
        self.delayers = []
        self.cpu_groups.update(g for g in (f"{CPU_CGROUP}-{p.ns}" for p in self.participants.values()) if os.path.isdir(g))
        self._release_cpu()
        if self.turn:
            self.turn.kill()
            self.turn.wait()
            self.turn = None
        existing = sh("ip", "netns", "list", check=False)
        for line in existing.splitlines():
            name = line.split()[0] if line.split() else ""
            if name in (ROUTER, TURN_NS) or name.startswith("cs-p"):
                sh("ip", "netns", "del", name, check=False)
        sh("ip", "route", "del", "10.77.0.0/16", check=False)
        sh("ip", "link", "del", ROOT_VETH, check=False)
