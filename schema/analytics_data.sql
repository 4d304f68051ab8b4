-- public.analytics_data: one row per measured value of a product metric (page views,
-- searches, quote requests, ...) at a point in time.
CREATE TABLE public.analytics_data (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    metric text NOT NULL,
    dimensions jsonb NOT NULL DEFAULT '{}',
    value numeric NOT NULL,
    recorded_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT analytics_data_dimensions_check CHECK (jsonb_typeof(dimensions) = 'object')
);

CREATE INDEX analytics_data_metric_recorded_at_idx
ON public.analytics_data (metric, recorded_at);
CREATE INDEX analytics_data_recorded_at_idx ON public.analytics_data (recorded_at);

COMMENT ON TABLE public.analytics_data IS
'Existing product analytics: a metric''s value with its dimensions at a point in time.';
COMMENT ON COLUMN public.analytics_data.metric IS 'Metric name, e.g. page_views, searches.';
COMMENT ON COLUMN public.analytics_data.dimensions IS
'JSON object of the breakdown keys of the value, e.g. {"category": "lift"}; {} when none.';
COMMENT ON COLUMN public.analytics_data.value IS 'The measured value (count or amount).';
COMMENT ON COLUMN public.analytics_data.recorded_at IS 'The instant the value was measured at.';
