-- Reference data (style guide rule 6: prices arrive through migrations or the admin screen).
-- Public API list prices, USD per 1M tokens, standard tier, as read in 2026 from the sources
-- named per row (shared/design/openai-interfaces.md section 5.1). The sources do not date
-- them, so they apply from 2025-01-01; an admin adds a dated row at /admin/prices to change one.
-- Fast / priority tier = 2x (OpenAI's Codex rate card: "Fast mode = 2x credits").
INSERT INTO "model_prices" ("model", "valid_from", "input_per_1m", "cached_input_per_1m", "output_per_1m", "priority_multiplier", "source") VALUES
  ('gpt-5',              '2025-01-01', 1.25, 0.125, 10.00, 2, 'simonw/llm-prices data/openai.json; gpt-5-codex model page comparison (developers.openai.com)'),
  ('gpt-5-codex',        '2025-01-01', 1.25, 0.125, 10.00, 2, 'https://developers.openai.com/api/docs/models/gpt-5-codex (model now shut down)'),
  ('gpt-5.1',            '2025-01-01', 1.25, 0.125, 10.00, 2, 'simonw/llm-prices; several price trackers agree'),
  ('gpt-5.1-codex',      '2025-01-01', 1.25, 0.125, 10.00, 2, 'simonw/llm-prices; several price trackers agree'),
  ('gpt-5.1-codex-max',  '2025-01-01', 1.25, 0.125, 10.00, 2, 'simonw/llm-prices; several price trackers agree'),
  ('gpt-5.1-codex-mini', '2025-01-01', 0.25, 0.025, 2.00, 2, 'simonw/llm-prices'),
  ('gpt-5.2',            '2025-01-01', 1.75, 0.175, 14.00, 2, 'github/docs data/tables/copilot/models-and-pricing.yml; simonw/llm-prices'),
  ('gpt-5.2-codex',      '2025-01-01', 1.75, 0.175, 14.00, 2, 'github/docs data/tables/copilot/models-and-pricing.yml; simonw/llm-prices'),
  ('gpt-5.3-codex',      '2025-01-01', 1.75, 0.175, 14.00, 2, 'github/docs data/tables/copilot/models-and-pricing.yml; simonw/llm-prices'),
  ('gpt-5.4',            '2025-01-01', 2.50, 0.25, 15.00, 2, 'simonw/llm-prices (context up to 272k tokens; above: 5.00/0.50/22.50)'),
  ('gpt-5.5',            '2025-01-01', 5.00, 0.50, 30.00, 2, 'simonw/llm-prices (context up to 272k tokens; above: 10/1/45); some trackers use 2.5x for fast'),
  ('codex-mini-latest',  '2025-01-01', 1.50, 0.375, 6.00, 2, 'https://developers.openai.com/api/docs/models/codex-mini-latest (model now shut down)'),
  ('o4-mini',            '2025-01-01', 1.10, 0.275, 4.40, 2, 'simonw/llm-prices; codex-mini-latest model page comparison'),
  ('gpt-5.4-mini',       '2025-01-01', 0.75, 0.075, 4.52, 2, 'no API list price found: Codex rate card (help.openai.com/en/articles/20001106) 18.75/1.875/113 credits per 1M / 25'),
  ('gpt-5.5-cyber',      '2025-01-01', 20.00, 2.00, 120.00, 2, 'no API list price found: Codex rate card (help.openai.com/en/articles/20001106) 500/50/3000 credits per 1M / 25');
--> statement-breakpoint
INSERT INTO "contract_rates" ("valid_from", "usd_per_credit", "source") VALUES
  ('2025-01-01', 0.04, 'OpenAI Codex rate card: every row equals the API price x 25, i.e. 1 credit = $0.04 (help.openai.com/en/articles/20001106); replace with your contract rate at /admin/prices');
