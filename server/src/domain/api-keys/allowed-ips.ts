import ipaddr from 'ipaddr.js';
import { fail, ok, type Result } from '#contract/result';

// API key allow-lists: addresses and CIDR blocks, IPv4 and IPv6. IPv4-mapped IPv6 callers
// (`::ffff:203.0.113.5`, what a dual-stack socket reports) match IPv4 entries.

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses and normalises an allow-list; the first bad entry is named. */
export function parseAllowList(entries: readonly string[]): Result<string[]> {
  const out: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    try {
      if (entry.includes('/')) {
        const [addr, bits] = ipaddr.parseCIDR(entry);
        out.push(
          `${normalise(addr).toString()}/${addr.kind() === 'ipv6' && normalise(addr).kind() === 'ipv4' ? bits - 96 : bits}`,
        );
      } else out.push(normalise(ipaddr.parse(entry)).toString());
    } catch {
      return fail('invalid_input', `"${entry}" is not an IPv4 or IPv6 address or CIDR block`, {
        fields: [{ path: 'body.allowedIps', message: `"${entry}" is not an address or CIDR block` }],
      });
    }
  }
  return ok([...new Set(out)]);
}

const normalise = (addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 =>
  addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;

/** A compiled allow-list: `allows(ip)`; an empty list allows everyone. */
export function compileAllowList(entries: readonly string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => true;
  const ranges: Range[] = entries.map((e) =>
    e.includes('/')
      ? (ipaddr.parseCIDR(e) as Range)
      : [ipaddr.parse(e), ipaddr.parse(e).kind() === 'ipv4' ? 32 : 128],
  );
  return (ip) => {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = normalise(ipaddr.parse(ip));
    } catch {
      return false;
    }
    return ranges.some(([base, bits]) => base.kind() === addr.kind() && addr.match([base, bits] as never));
  };
}
