// The JavaScript SDK v3 against kmsmac serve: node js_client.mjs URL REGION KEYID.
// Credentials come from the environment (test/test). Prints one JSON line:
// the MAC of "kmsmac js check" under KEYID (the Go test compares it with
// crypto/hmac) and what happened on a key of the script's own.
import { KMSClient, CreateKeyCommand, GenerateMacCommand, VerifyMacCommand } from "@aws-sdk/client-kms";

const [url, region, importedKey] = process.argv.slice(2);
const kms = new KMSClient({ endpoint: url, region, maxAttempts: 1 });
const msg = new TextEncoder().encode("kmsmac js check");

const ck = await kms.send(new CreateKeyCommand({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }));
const own = ck.KeyMetadata.KeyId;
const gm = await kms.send(new GenerateMacCommand({ KeyId: own, Message: msg, MacAlgorithm: "HMAC_SHA_256" }));
const vm = await kms.send(new VerifyMacCommand({ KeyId: own, Message: msg, MacAlgorithm: "HMAC_SHA_256", Mac: gm.Mac }));
const bad = Uint8Array.from(gm.Mac);
bad[0] ^= 1;
let tampered = "";
try {
  await kms.send(new VerifyMacCommand({ KeyId: own, Message: msg, MacAlgorithm: "HMAC_SHA_256", Mac: bad }));
} catch (e) {
  tampered = e.name;
}
const imp = await kms.send(new GenerateMacCommand({ KeyId: importedKey, Message: msg, MacAlgorithm: "HMAC_SHA_256" }));
console.log(JSON.stringify({
  ownArn: ck.KeyMetadata.Arn,
  ownMacLength: gm.Mac.length,
  ownKeyId: gm.KeyId,
  macValid: vm.MacValid,
  tampered,
  importedMac: Buffer.from(imp.Mac).toString("base64"),
}));
