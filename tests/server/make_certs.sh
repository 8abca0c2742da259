#!/bin/sh
# make_certs.sh DIR - test certificates for the TLS tests, made with the
# openssl command line: a test CA (ca.pem), a server certificate it signed
# for 127.0.0.1 and localhost (server.pem, server.key), one it signed for
# another name (wrong.pem, wrong.key), and an unrelated CA (other-ca.pem).
set -eu
d=$1
mkdir -p "$d"
cd "$d"
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj "/CN=Kiosk Test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
q openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 2 \
    -subj "/CN=Unrelated CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
leaf() {   # leaf NAME SAN
    q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
        "$2" >"$1.ext"
    q openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out "$1.pem" -days 2 -extfile "$1.ext"
}
leaf server "IP:127.0.0.1,DNS:localhost"
leaf wrong "DNS:wrong.example"
test -s server.pem && test -s wrong.pem && test -s other-ca.pem
