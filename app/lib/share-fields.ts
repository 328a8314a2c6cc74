/**
 * What a share card may show. Shared by the server (validation, the card) and the page (the
 * checkboxes), so it lives outside any `.server` module.
 */
export const SHARE_FIELDS = ["lifetimeTokens", "activeDays", "currentStreak", "longestStreak", "peakDayTokens", "topModel", "topClient"] as const;
export type ShareField = (typeof SHARE_FIELDS)[number];

export const SHARE_FIELD_LABELS: Record<ShareField, string> = {
  lifetimeTokens: "Lifetime tokens",
  activeDays: "Active days",
  currentStreak: "Current streak (days)",
  longestStreak: "Longest streak (days)",
  peakDayTokens: "Peak daily tokens",
  topModel: "Favourite model",
  topClient: "Favourite client",
};
