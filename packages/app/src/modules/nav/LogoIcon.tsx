import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: {
    width: 28,
    height: 28,
    flexShrink: 0,
  },
  stroke: {
    fill: 'none',
    stroke: '#7df3e1',
    strokeWidth: 5,
    strokeLinecap: 'round',
    strokeLinejoin: 'round',
  },
});

/** A slipway: the ramp a hull slides down into the water. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 64 64"
      role="img"
      aria-label="Slipway"
    >
      <path className={classes.stroke} d="M6 14 L40 40 H58" />
      <path className={classes.stroke} d="M14 12 h14 l-6 9 h-14 z" />
      <path
        className={classes.stroke}
        d="M6 52 q6 -5 12 0 t12 0 t12 0 t12 0"
      />
    </svg>
  );
};
