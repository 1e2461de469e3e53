import { describe, expect, it } from "vitest";
import { formatAcl, parseAccessControlPolicy, putAclInput } from "./acl.js";
import { UsageError } from "./errors.js";

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error("expected a usage error");
}

describe("putAclInput", () => {
  it("sends only the flags given", () => {
    expect(putAclInput("b", { acl: "public-read" })).toEqual({ Bucket: "b", ACL: "public-read" });
    expect(
      putAclInput("b", {
        grantRead: 'uri="http://x"',
        grantWriteAcp: "id=1",
        grantReadAcp: "id=2",
      }),
    ).toEqual({
      Bucket: "b",
      GrantRead: 'uri="http://x"',
      GrantWriteACP: "id=1",
      GrantReadACP: "id=2",
    });
    expect(putAclInput("b", { grantFullControl: "id=3", grantWrite: "id=4" })).toEqual({
      Bucket: "b",
      GrantFullControl: "id=3",
      GrantWrite: "id=4",
    });
  });

  it("is a usage error with nothing to set or an unknown canned ACL", () => {
    expect(usageMessage(() => putAclInput("b", {}))).toBe("put-bucket-acl needs an ACL to set");
    expect(usageMessage(() => putAclInput("b", { acl: "everyone" }))).toBe(
      "Invalid --acl: everyone",
    );
  });
});

describe("parseAccessControlPolicy", () => {
  it("reads Owner and Grants", () => {
    const text = JSON.stringify({
      Owner: { ID: "o1", DisplayName: "me" },
      Grants: [
        { Grantee: { Type: "CanonicalUser", ID: "o1" }, Permission: "FULL_CONTROL" },
        {
          Grantee: { Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers" },
          Permission: "READ",
        },
      ],
    });
    expect(parseAccessControlPolicy(text)).toEqual(JSON.parse(text));
    expect(putAclInput("b", { accessControlPolicy: '{"Grants":[]}' })).toEqual({
      Bucket: "b",
      AccessControlPolicy: { Grants: [] },
    });
  });

  it("says in one line what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["{not json", /^Invalid JSON for --access-control-policy: .*JSON/],
      ["[1]", /expected a JSON object/],
      ['{"Grant":[]}', /unknown field Grant$/],
      ['{"Grants":{}}', /Grants must be a list/],
      [
        '{"Grants":[{"Grantee":{"Type":"Robot"},"Permission":"READ"}]}',
        /Grants\[0\]\.Grantee\.Type/,
      ],
      ['{"Grants":[{"Grantee":{"Type":"Group"},"Permission":"ALL"}]}', /Grants\[0\]\.Permission/],
      ['{"Owner":{"ID":5}}', /Owner\.ID must be a string/],
    ];
    for (const [text, pattern] of cases) {
      const message = usageMessage(() => parseAccessControlPolicy(text));
      expect(message, text).toMatch(pattern);
      expect(message).not.toContain("\n");
    }
  });
});

describe("formatAcl", () => {
  it("prints Owner and Grants as 2-space JSON", () => {
    expect(
      formatAcl({
        Owner: { ID: "o" },
        Grants: [{ Grantee: { Type: "CanonicalUser", ID: "o" }, Permission: "READ" }],
      }),
    ).toBe(
      '{\n  "Owner": {\n    "ID": "o"\n  },\n  "Grants": [\n    {\n      "Grantee": {\n        "Type": "CanonicalUser",\n        "ID": "o"\n      },\n      "Permission": "READ"\n    }\n  ]\n}',
    );
  });
});
