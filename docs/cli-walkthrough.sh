#!/usr/bin/env bash
# Runs every command docs/cli.md shows, in a new folder, printing each with its real output.
# Usage: PATH=/path/to/kms-jca:$PATH docs/cli-walkthrough.sh [DIR]
# With DIR, works there and keeps the files (a key store already in DIR/keys.kms is used);
# without, in a new temporary folder it removes. CliWalkthroughIT runs it and compares its output
# with docs/cli.md.
set -uo pipefail
if [ $# -gt 0 ]; then
  work="$1"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
cd "$work"
export KMS_KEYSTORE="$PWD/keys.kms" KMS_KEYSTORE_PASSWORD='correct horse battery staple'
shown() { local a out=""; for a; do [[ $a =~ [[:space:]] ]] && out+="'$a' " || out+="$a "; done; echo "${out% }"; }
run() { echo "\$ $(shown "$@")"; "$@"; echo "[exit $?]"; echo; }
sh() { echo "\$ $1"; bash -c "$1"; echo "[exit $?]"; echo; }

run kms create-key --description "orders service" --alias orders --tags TagKey=team,TagValue=payments
run kms describe-key --key-id alias/orders --output table
run kms list-keys --output text
run kms create-alias --alias-name alias/invoices --target-key-id alias/orders
run kms list-aliases --output table
run kms generate-data-key --key-id alias/orders --key-spec AES_256 --encryption-context purpose=invoices
sh "kms generate-data-key --key-id alias/orders --encryption-context file=report.pdf > datakey.json"
sh "kms generate-data-key-without-plaintext --key-id alias/orders --query CiphertextBlob --output text | base64 --decode > later.key; wc -c later.key"
sh "echo db-password-123 > secret.txt; kms encrypt --key-id alias/orders --plaintext fileb://secret.txt --encryption-context app=orders --query CiphertextBlob --output text | base64 --decode > secret.kms"
sh "kms decrypt --ciphertext-blob fileb://secret.kms --encryption-context app=orders --query Plaintext --output text | base64 --decode"
run kms decrypt --ciphertext-blob fileb://secret.kms --encryption-context app=billing
run kms rotate-key-on-demand --key-id alias/orders
run kms re-encrypt --ciphertext-blob fileb://secret.kms --source-encryption-context app=orders --destination-encryption-context app=orders --output text
run kms enable-key-rotation --key-id alias/orders --rotation-period-in-days 180
run kms get-key-rotation-status --key-id alias/orders
run kms list-key-rotations --key-id alias/orders --output table
sh "head -c 50000000 /dev/urandom > big.bin; kms encrypt-file --key-id alias/orders --in big.bin --out big.bin.kms --encryption-context dept=finance"
run kms decrypt-file --in big.bin.kms --out big.out --encryption-context dept=finance --output text
sh "printf 'X' | dd of=big.bin.kms bs=1 seek=30000000 conv=notrunc status=none"
run kms decrypt-file --in big.bin.kms --out tampered.out
sh "ls -a | grep -c -e tampered -e '\\.tmp' "
run kms tag-resource --key-id alias/orders --tags TagKey=env,TagValue=prod
run kms list-resource-tags --key-id alias/orders --output text
run kms untag-resource --key-id alias/orders --tag-keys env
run kms create-key --origin EXTERNAL --alias byok --query KeyMetadata.KeyState --output text
sh "kms get-parameters-for-import --key-id alias/byok --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256 --wrapping-key-spec RSA_4096 > params.json"
sh "jq -r .PublicKey params.json | base64 -d > pub.der; jq -r .ImportToken params.json | base64 -d > token.bin"
sh "openssl rand -out material 32; openssl rand -out aes.key 32"
sh "openssl enc -id-aes256-wrap-pad -K \$(xxd -p aes.key | tr -d '\\n') -iv A65959A6 -in material -out wrapped-material"
sh "openssl pkeyutl -encrypt -in aes.key -inkey pub.der -keyform DER -pubin -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -out wrapped-aes"
sh "cat wrapped-aes wrapped-material > encrypted-material.bin"
run kms import-key-material --key-id alias/byok --encrypted-key-material fileb://encrypted-material.bin --import-token fileb://token.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
run kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --alias release-signing --description "release manifests"
sh "kms get-public-key --key-id alias/release-signing --output text --query PublicKey | base64 --decode > pub.der; openssl pkey -pubin -inform DER -in pub.der -out pub.pem"
sh "echo 'release 1.0' > manifest.json; kms sign --key-id alias/release-signing --message fileb://manifest.json --signing-algorithm ECDSA_SHA_256 --output text --query Signature | base64 --decode > manifest.sig; openssl dgst -sha256 -verify pub.pem -signature manifest.sig manifest.json"
run kms verify --key-id alias/release-signing --message fileb://manifest.json --signature fileb://manifest.sig --signing-algorithm ECDSA_SHA_256
sh "echo 'release 1.1' > other.json; kms verify --key-id alias/release-signing --message fileb://other.json --signature fileb://manifest.sig --signing-algorithm ECDSA_SHA_256"
run kms sign --key-id alias/release-signing --message fileb://manifest.json --signing-algorithm ECDSA_SHA_384
run kms get-public-key --key-id alias/release-signing
run kms create-key --key-spec RSA_2048 --key-usage ENCRYPT_DECRYPT --alias inbox --query KeyMetadata.EncryptionAlgorithms
sh "kms get-public-key --key-id alias/inbox --output text --query PublicKey | base64 --decode | openssl pkey -pubin -inform DER -out inbox.pem; echo 'api token 42' > token.txt; openssl pkeyutl -encrypt -pubin -inkey inbox.pem -in token.txt -out token.enc -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256; kms decrypt --key-id alias/inbox --ciphertext-blob fileb://token.enc --encryption-algorithm RSAES_OAEP_SHA_256 --output text --query Plaintext | base64 --decode"
run kms decrypt --ciphertext-blob fileb://token.enc --encryption-algorithm RSAES_OAEP_SHA_256
run kms create-key --key-spec ECC_NIST_P256 --key-usage KEY_AGREEMENT --alias exchange --query KeyMetadata.KeyAgreementAlgorithms
sh "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.pem; openssl pkey -in peer.pem -pubout -outform DER -out peer.der; kms get-public-key --key-id alias/exchange --output text --query PublicKey | base64 --decode | openssl pkey -pubin -inform DER -out exchange.pem; kms derive-shared-secret --key-id alias/exchange --key-agreement-algorithm ECDH --public-key fileb://peer.der --output text --query SharedSecret | base64 --decode > kms-side.bin; openssl pkeyutl -derive -inkey peer.pem -peerkey exchange.pem -out peer-side.bin; cmp kms-side.bin peer-side.bin && echo same secret"
run kms generate-data-key-pair-without-plaintext --key-id alias/orders --key-pair-spec ECC_NIST_P256 --encryption-context app=tokens
me="$(id -un)"
sh "cat > policy.json <<'JSON'
{
  \"Version\": \"2012-10-17\",
  \"Id\": \"orders-policy\",
  \"Statement\": [
    {\"Sid\": \"Administrators\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"$me\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"},
    {\"Sid\": \"OrdersServiceUse\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"orders-svc\"},
     \"Action\": [\"kms:Decrypt\", \"kms:GenerateDataKey*\"], \"Resource\": \"*\",
     \"Condition\": {\"StringEquals\": {\"kms:EncryptionContext:app\": \"orders\"}}}
  ]
}
JSON"
run kms get-key-policy --key-id alias/orders
run kms put-key-policy --key-id alias/orders --policy-name default --policy file://policy.json
run kms get-key-policy --key-id alias/orders --query Policy --output text
run kms list-key-policies --key-id alias/orders
sh "sed 's/GenerateDataKey\\*/GenerateDataKeys/' policy.json > typo.json; kms put-key-policy --key-id alias/orders --policy file://typo.json"
sh "sed 's/\"$me\"/\"alice\"/' policy.json > lockout.json; kms put-key-policy --key-id alias/orders --policy file://lockout.json"
run kms create-grant --key-id alias/orders --grantee-principal batch-job --operations Decrypt GenerateDataKey --retiring-principal "$me" --name nightly --constraints "EncryptionContextSubset={app=orders}"
run kms list-grants --key-id alias/orders
run kms list-retirable-grants --retiring-principal "$me" --output text
sh "TOKEN=\$(kms create-grant --key-id alias/orders --grantee-principal report --operations Decrypt --query GrantToken --output text); kms retire-grant --grant-token \"\$TOKEN\"; kms list-grants --key-id alias/orders --query Grants --output json | jq length"
sh "kms revoke-grant --key-id alias/orders --grant-id \$(kms list-grants --key-id alias/orders --grantee-principal batch-job --query Grants --output json | jq -r '.[0].GrantId')"
run kms get-store-policy
run kms disable-key --key-id alias/orders
run kms generate-data-key --key-id alias/orders
run kms enable-key --key-id alias/orders
run kms schedule-key-deletion --key-id alias/byok --pending-window-in-days 7
run kms cancel-key-deletion --key-id alias/byok
run kms update-alias --alias-name alias/invoices --target-key-id alias/byok
run kms delete-alias --alias-name alias/invoices
run kms describe-key --key-id alias/invoices
sh "KMS_KEYSTORE_PASSWORD=wrong kms list-keys"
run kms audit tail --lines 4 --output text
run kms audit verify
run kms audit public-key --out audit-key.pem --query Fingerprint
sh "head -n -1 keys.kms.audit.jsonl > cut.jsonl     # the closing signature removed"
sh "KMS_KEYSTORE= KMS_KEYSTORE_PASSWORD= kms audit verify --public-key audit-key.pem cut.jsonl --query UnsignedRecords"
sh "sed -i 's/\"outcome\":\"DENIED\"/\"outcome\":\"SUCCESS\"/' keys.kms.audit.jsonl; kms audit verify --output text"
