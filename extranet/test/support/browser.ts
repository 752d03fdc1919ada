/** A tiny cookie-keeping HTTP client: what a browser does with forms, without JavaScript. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly origin: string | null = base,
  ) {}

  private store(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}) {
    const h: Record<string, string> = { ...extra };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return h;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(new URL(path, this.base), { headers: this.headers(headers), redirect: 'manual' });
    this.store(res);
    return res;
  }

  async post(
    path: string,
    form: Record<string, string | string[]>,
    options: { origin?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const origin = options.origin === undefined ? this.origin : options.origin;
    const res = await fetch(new URL(path, this.base), {
      method: 'POST',
      body,
      headers: this.headers({
        'content-type': 'application/x-www-form-urlencoded',
        ...(origin ? { origin } : {}),
        ...options.headers,
      }),
      redirect: 'manual',
    });
    this.store(res);
    return res;
  }

  async signIn(email: string, password: string): Promise<Response> {
    return this.post('/connexion?_action=auth.signIn', { email, password, suivant: '/demandes' });
  }
}

export function location(res: Response): string {
  return res.headers.get('location') ?? '';
}
