/** An OCI platform: linux/amd64, linux/arm64/v8 ... */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

const NODE_ARCH_TO_OCI: Record<string, Platform['architecture']> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** The platform of this machine, with the variant Docker assumes (arm64 → v8, arm → v7). */
export function hostPlatform(): Platform {
  const architecture = NODE_ARCH_TO_OCI[process.arch] ?? process.arch;
  const variant = architecture === 'arm64' ? 'v8' : architecture === 'arm' ? 'v7' : undefined;
  return { os: 'linux', architecture, variant };
}

/** "os/arch[/variant]". */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** Parses "os/arch[/variant]" (as --platform takes), undefined if malformed. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.length === 0)) return undefined;
  const [os = '', architecture = '', variant] = parts;
  return { os: os.toLowerCase(), architecture: architecture.toLowerCase(), variant: variant?.toLowerCase() };
}

/**
 * Whether an index entry's platform can run on `wanted`. A missing variant on either side matches
 * (most indexes omit v8 for arm64), and arm64's default variant is v8, as containerd's matcher does.
 */
export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  const normalise = (p: Platform): string | undefined =>
    p.variant ?? (p.architecture === 'arm64' ? 'v8' : undefined);
  const a = normalise(candidate);
  const b = normalise(wanted);
  return a === undefined || b === undefined || a === b;
}
