import type { MailRoute } from './server';

/** Default loopback ports of the demo's mail world (mail-world.md); the e2e run offsets them all. */
export const MAIL_WORLD_PORTS = {
  exchange: 4524,
  googleSmtp: 4525,
  microsoftSmtp: 4526,
  tandemInbound: 4527,
  ewsSmtp: 4528,
  inboxSmtp: 1025,
  inboxWeb: 1080,
} as const;

/** Domains the Microsoft emulator hosts: Northbridge's work Microsoft 365, Outlook.com, an employer's tenant. */
export const MICROSOFT_DOMAINS = ['northbridge-college.test', 'outlook.test', 'brightworks.test'];
export const GOOGLE_DOMAINS = ['gmail.test'];
/**
 * Northbridge's Exchange Server on premises (the EWS emulator). Its seeded mailboxes share the
 * Microsoft emulator's addresses, whose domain Microsoft 365 receives; mail for this domain's
 * mailboxes (the demo's on-premises user, e2e suites' added ones) goes to Exchange Server.
 */
export const EXCHANGE_SERVER_DOMAINS = ['northbridge-onprem.test'];

export interface MailWorldPorts {
  googleSmtp: number;
  microsoftSmtp: number;
  /** The EWS emulator's inbound SMTP; its domains are not routed when absent. */
  ewsSmtp?: number;
  tandemInbound: number;
  /** The domain of Tandem's iMIP reply address (IMIP_REPLY_ADDRESS), e.g. `replies.tandem.test`. */
  replyDomain: string;
  host?: string;
}

/** Who hosts which domain in the demo and tests; every other address goes to the inbox. */
export function mailWorldRoutes(ports: MailWorldPorts): MailRoute[] {
  const at = (port: number) => `smtp://${ports.host ?? '127.0.0.1'}:${port}`;
  return [
    ...GOOGLE_DOMAINS.map((domain) => ({ domain, smtpUrl: at(ports.googleSmtp) })),
    ...MICROSOFT_DOMAINS.map((domain) => ({ domain, smtpUrl: at(ports.microsoftSmtp) })),
    ...(ports.ewsSmtp === undefined
      ? []
      : EXCHANGE_SERVER_DOMAINS.map((domain) => ({ domain, smtpUrl: at(ports.ewsSmtp!) }))),
    { domain: ports.replyDomain, smtpUrl: at(ports.tandemInbound) },
  ];
}
