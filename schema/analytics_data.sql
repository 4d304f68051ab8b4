-- public.analytics_data: one row per measured value of a product metric (events, page views, ...).
CREATE TABLE public.analytics_data (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    metric text NOT NULL,
    dimensions jsonb NOT NULL DEFAULT '{}',
    value numeric NOT NULL,
    recorded_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX analytics_data_metric_recorded_at_idx ON public.analytics_data (metric, recorded_at);

COMMENT ON TABLE public.analytics_data IS
'Existing product analytics: metric name, dimensions and value at a point in time.';
