# shellcheck shell=bash
# Test PKI for the local apiserver, made with openssl, kept under .stack/pki/ and
# reused by every `up` so that .stack/admin.kubeconfig stays valid. Sourced by hack/stack.
#
#   ca.crt/key         self-signed CA (client CA and the apiserver's issuer)
#   apiserver.crt/key  serving cert for 127.0.0.1 / localhost / kubernetes.default.svc
#   admin.crt/key      client cert CN=kubetask-admin, O=system:masters (cluster-admin)
#   sa.key             service-account token signing key

ensure_pki() {
  [[ -s $PKI_DIR/sa.key && -s $ADMIN_KUBECONFIG ]] && return 0
  local tmp start
  start=$(now)
  rm -rf "$PKI_DIR" "$STACK_DIR"/pki.tmp.*
  tmp=$(mktemp -d "$STACK_DIR/pki.tmp.XXXXXX")
  (cd "$tmp" && make_certs) >"$tmp/openssl.log" 2>&1 || {
    cat "$tmp/openssl.log" >&2
    die "generating the PKI with openssl failed"
  }
  write_kubeconfig "$tmp" "$tmp/admin.kubeconfig"
  mv -T "$tmp" "$PKI_DIR"
  # The kubeconfig embeds the certificates, so it does not care where pki/ lives.
  mv "$PKI_DIR/admin.kubeconfig" "$ADMIN_KUBECONFIG"
  log "pki: generated in $(since "$start") s"
}

# Runs in the target directory. An explicit config keeps the result independent
# of the machine's openssl.cnf.
make_certs() {
  cat >openssl.cnf <<'EOF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:10.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
EOF
  # (errexit is off inside a `cmd || handler` context, hence the explicit chain)
  openssl req -config openssl.cnf -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj /CN=kubetask-stack-ca -extensions ca -keyout ca.key -out ca.crt &&
    sign server /CN=kube-apiserver apiserver &&
    sign client /O=system:masters/CN=kubetask-admin admin &&
    openssl genrsa -out sa.key 2048 &&
    rm -f ./*.csr ca.srl
}

# sign EXTENSIONS SUBJECT NAME: key + certificate signed by the CA.
sign() {
  openssl req -config openssl.cnf -new -newkey rsa:2048 -nodes -subj "$2" -keyout "$3.key" -out "$3.csr" &&
    openssl x509 -req -in "$3.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile openssl.cnf -extensions "$1" -out "$3.crt"
}

# write_kubeconfig PKI FILE: admin kubeconfig for https://127.0.0.1:6443 with the
# certificates embedded, written with the kubectl we built.
write_kubeconfig() {
  local p=$1 k=(--kubeconfig="$2")
  {
    "$K8S_BIN/kubectl" config "${k[@]}" set-cluster kubetask-stack --server="https://127.0.0.1:$APISERVER_PORT" \
      --certificate-authority="$p/ca.crt" --embed-certs=true
    "$K8S_BIN/kubectl" config "${k[@]}" set-credentials kubetask-admin \
      --client-certificate="$p/admin.crt" --client-key="$p/admin.key" --embed-certs=true
    "$K8S_BIN/kubectl" config "${k[@]}" set-context kubetask-stack --cluster=kubetask-stack --user=kubetask-admin
    "$K8S_BIN/kubectl" config "${k[@]}" use-context kubetask-stack
  } >/dev/null
}
