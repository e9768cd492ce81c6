/**
 * Named limits of the detect stage. Every value bounds memory or time that log content
 * (written by whoever sends mail) could otherwise grow without end.
 */

/** Header values are cut to this many characters before address parsing. */
export const MAX_ADDRESS_FIELD_CHARS = 2048;
/** Mailboxes read from one From / Reply-To value (further ones are counted, not parsed). */
export const MAX_MAILBOXES_PER_HEADER = 20;
/** Display names are cut to this many characters before decoding and comparison. */
export const MAX_DISPLAY_NAME_CHARS = 256;
/** Entries kept in the organisational-domain cache. */
export const MAX_ORG_CACHE = 20_000;
/** Addresses whose learnable protected domain the detector keeps (recipients repeat). */
export const MAX_ADDRESS_CACHE = 20_000;
/** From values and envelope senders the context keeps parsed (each cache). */
export const MAX_PARSED_ADDRESS_CACHE = 4_096;
/** Entries kept in the look-alike result cache. */
export const MAX_LOOKALIKE_CACHE = 20_000;
/** Domains learned as protected from recipients when none are configured. */
export const MAX_LEARNED_PROTECTED = 200;
/** (header-From org, envelope org) pairs learned from DMARC passes. */
export const MAX_LEARNED_PAIRS = 10_000;
/** Mail hosts remembered as logging every DKIM signature they verify (Exim +dkim_verbose). */
export const MAX_DKIM_LOGGING_HOSTS = 1_000;
/** Client addresses tracked by the campaign-burst rule. */
export const MAX_CAMPAIGN_CLIENTS = 20_000;
/** From domains remembered per client address inside the campaign window. */
export const MAX_CAMPAIGN_ENTRIES_PER_CLIENT = 256;
/** Protected domains and VIP names compared per message (the config may list more; extra ones are ignored with a note). */
export const MAX_PROTECTED_COMPARED = 2_000;
/** Longest label compared by edit distance (DNS labels are at most 63 octets). */
export const MAX_LABEL_CHARS = 63;
/** Finding summaries are cut to this many characters (they quote attacker-written values). */
export const MAX_SUMMARY_CHARS = 1024;
/** String values in finding fields are cut to this many characters. */
export const MAX_FIELD_CHARS = 512;
