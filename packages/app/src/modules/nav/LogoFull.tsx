import { makeStyles } from '@material-ui/core';
import { LogoIcon } from './LogoIcon';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: 10,
    height: 30,
  },
  name: {
    color: '#7df3e1',
    fontSize: 26,
    fontWeight: 700,
    letterSpacing: '0.02em',
  },
});

/** The sidebar logo when open: the icon and the product name. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <span className={classes.root}>
      <LogoIcon />
      <span className={classes.name}>Slipway</span>
    </span>
  );
};
