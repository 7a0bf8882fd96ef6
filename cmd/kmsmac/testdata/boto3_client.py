"""Drive a KMS endpoint's HMAC API with boto3, as a real user's code would.

Usage: python3 boto3_client.py ENDPOINT_URL REGION ACCOUNT

Run by cmd/kmsmac/clients_test.go against `kmsmac serve`. Prints one
"ok <check>" line per passed check, "skip <check>: <reason>" for checks
that need a missing module, and exits non-zero (with a traceback) on the
first failure. Only talks to ENDPOINT_URL; credentials are dummies.
"""

import hashlib
import hmac
import os
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

SPECS = {
    "HMAC_224": ("HMAC_SHA_224", hashlib.sha224),
    "HMAC_256": ("HMAC_SHA_256", hashlib.sha256),
    "HMAC_384": ("HMAC_SHA_384", hashlib.sha384),
    "HMAC_512": ("HMAC_SHA_512", hashlib.sha512),
}
MESSAGE = b"kmsmac boto3 client check \x00\xff"
# 64 bytes is inside the import length range of every HMAC key spec.
MATERIAL = bytes(range(64))


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_error(code, fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        err, meta = e.response["Error"], e.response["ResponseMetadata"]
        check(err["Code"] == code, f"want {code}, got {err['Code']}: {err.get('Message')}")
        check(meta["HTTPStatusCode"] == 400, f"{code}: status {meta['HTTPStatusCode']}, want 400")
        check(meta.get("RequestId"), f"{code}: no request id")
        return err
    raise AssertionError(f"want {code}, the call succeeded")


def wrap(public_key_der, algorithm, material):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

    pub = serialization.load_der_public_key(public_key_der)
    h = hashes.SHA256() if algorithm.endswith("SHA_256") else hashes.SHA1()
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=h), algorithm=h, label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return pub.encrypt(material, oaep)
    aes_key = os.urandom(32)
    return pub.encrypt(aes_key, oaep) + aes_key_wrap_with_padding(aes_key, material)


def main():
    url, region, account = sys.argv[1:4]
    kms = boto3.client(
        "kms",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )
    arn_prefix = f"arn:aws:kms:{region}:{account}:key/"

    keys = {}
    for spec, (alg, _) in SPECS.items():
        md = kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC", Description="kmsmac boto3")["KeyMetadata"]
        check(md["KeySpec"] == spec and md["MacAlgorithms"] == [alg], f"{spec} metadata {md}")
        check(md["Arn"] == arn_prefix + md["KeyId"], f"ARN {md['Arn']}")
        keys[spec] = md
        out = kms.generate_mac(KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm=alg)
        check(out["KeyId"] == md["Arn"], f"GenerateMac KeyId {out['KeyId']}, want the key ARN")
        check(out["MacAlgorithm"] == alg, f"MacAlgorithm {out['MacAlgorithm']}")
        check(len(out["Mac"]) == SPECS[spec][1]().digest_size, f"{spec} MAC length {len(out['Mac'])}")
        check(out["ResponseMetadata"].get("RequestId"), "no request id")
        ver = kms.verify_mac(KeyId=md["Arn"], Message=MESSAGE, MacAlgorithm=alg, Mac=out["Mac"])
        check(ver["MacValid"] is True and ver["KeyId"] == md["Arn"], f"VerifyMac {ver}")
        bad = bytes([out["Mac"][0] ^ 1]) + out["Mac"][1:]
        err = expect_error("KMSInvalidMacException", kms.verify_mac, KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm=alg, Mac=bad)
        check(not err.get("Message"), f"KMSInvalidMacException carries a message: {err}")
        print(f"ok generate-verify {spec}")

    md = keys["HMAC_256"]
    err = expect_error("InvalidKeyUsageException", kms.generate_mac, KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_512")
    check(err["Message"] == "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.", err["Message"])
    print("ok algorithm mismatch")

    kms.disable_key(KeyId=md["KeyId"])
    err = expect_error("DisabledException", kms.generate_mac, KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
    check(md["Arn"] in err["Message"], f"DisabledException message {err['Message']!r} lacks the key ARN")
    kms.enable_key(KeyId=md["KeyId"])
    kms.generate_mac(KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
    print("ok disabled")

    alias = f"alias/kmsmac-boto3-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=md["KeyId"])
    direct = kms.generate_mac(KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"]
    alias_arn = f"arn:aws:kms:{region}:{account}:{alias}"
    for name in (alias, alias_arn):
        out = kms.generate_mac(KeyId=name, Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
        check(out["Mac"] == direct, f"MAC through {name} differs")
        check(out["KeyId"] == md["Arn"], f"KeyId through {name} is {out['KeyId']}, want the key ARN")
    expect_error("NotFoundException", kms.generate_mac, KeyId=alias + "-missing", Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
    print("ok alias")

    # The server checks signatures: the same call signed with a wrong secret is refused.
    wrong = boto3.client("kms", endpoint_url=url, region_name=region, aws_access_key_id="test",
                         aws_secret_access_key="not-test", config=Config(retries={"max_attempts": 1}))
    err = expect_error("InvalidSignatureException", wrong.generate_mac, KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
    check(err["Message"].startswith("The request signature we calculated does not match"), err["Message"])
    print("ok wrong secret refused")

    try:
        import cryptography  # noqa: F401
    except ImportError:
        print("skip import: Python module cryptography is not installed")
        return
    for spec, wrapping in (("HMAC_256", "RSAES_OAEP_SHA_256"), ("HMAC_384", "RSA_AES_KEY_WRAP_SHA_256")):
        alg, h = SPECS[spec]
        md = kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL")["KeyMetadata"]
        check(md["KeyState"] == "PendingImport", f"EXTERNAL key state {md['KeyState']}")
        params = kms.get_parameters_for_import(KeyId=md["KeyId"], WrappingAlgorithm=wrapping, WrappingKeySpec="RSA_2048")
        kms.import_key_material(
            KeyId=md["KeyId"],
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params["PublicKey"], wrapping, MATERIAL),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
        out = kms.generate_mac(KeyId=md["KeyId"], Message=MESSAGE, MacAlgorithm=alg)
        want = hmac.new(MATERIAL, MESSAGE, h).digest()
        check(out["Mac"] == want, f"{spec} imported MAC {out['Mac'].hex()} != RFC 2104 {want.hex()}")
        print(f"ok import {spec} {wrapping}")


if __name__ == "__main__":
    main()
