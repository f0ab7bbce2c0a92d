import { describe, expect, it } from "vitest";
import { blockedAddressReason, looksLikeDisguisedAddress, parseIPv6 } from "./address-guard.ts";
import { matchesHostPattern } from "./host-policy.ts";

describe("address guard", () => {
  it.each([
    "127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:a00:1]", "64:ff9b::10.0.0.1", "64:ff9b::a9fe:a9fe", "ff02::1",
  ])("blocks %s", (address) => {
    expect(blockedAddressReason(address)).not.toBeNull();
  });

  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])("allows public %s", (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it("parses IPv6 forms", () => {
    expect(parseIPv6("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIPv6("1::2::3")).toBeNull();
    expect(parseIPv6("1:2:3")).toBeNull();
  });

  it("flags disguised numeric hosts", () => {
    for (const host of ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1"]) expect(looksLikeDisguisedAddress(host)).toBe(true);
    for (const host of ["127.0.0.1", "example.com", "1password.com"]) expect(looksLikeDisguisedAddress(host)).toBe(false);
  });

  it("matches host patterns at dot boundaries", () => {
    expect(matchesHostPattern("api.example.com", "example.com")).toBe(true);
    expect(matchesHostPattern("evilexample.com", "example.com")).toBe(false);
    expect(matchesHostPattern("example.com", "*.example.com")).toBe(false);
    expect(matchesHostPattern("a.b.example.com", "*.example.com")).toBe(true);
    expect(matchesHostPattern("EXAMPLE.com.", "example.com")).toBe(true);
    expect(matchesHostPattern("anything.org", "*")).toBe(true);
  });
});
